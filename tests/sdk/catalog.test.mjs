// Catalog operations: ListDatabases, ListSchemas, ListTables, DescribeTable, with MaxResults and
// NextToken paging through the SDK's paginators, on schemas and tables this file creates.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeTableCommand,
  ListDatabasesCommand,
  ListSchemasCommand,
  ListTablesCommand,
  paginateDescribeTable,
  paginateListDatabases,
  paginateListSchemas,
  paginateListTables,
} from '@aws-sdk/client-redshift-data';
import { makeClient, runOk, runSql, target } from './lib/client.mjs';
import { runTag, stack } from './lib/env.mjs';

const client = makeClient();
const schemaA = `sdk_cat_${runTag}_a`;
const schemaB = `sdk_cat_${runTag}_b`;
const otherDb = `sdk_cat_${runTag}_db`;

before(async () => {
  await runOk(client, `create schema ${schemaA}`);
  await runOk(client, `create schema ${schemaB}`);
  await runOk(
    client,
    `create table ${schemaA}.items (id int8 not null, name varchar(40) not null default 'none', ` +
      'price numeric(10,2), created timestamp, note text)',
  );
  await runOk(client, `create table ${schemaA}.orders (id int4)`);
  await runOk(client, `create table ${schemaA}.other (id int4)`);
  await runOk(client, `create view ${schemaA}.items_view as select id, name from ${schemaA}.items`);
  await runOk(client, `create table ${schemaB}.items (x bool)`);
  // CREATE DATABASE cannot run inside a transaction: this also checks that a session-less
  // statement runs in autocommit mode.
  await runOk(client, `create database ${otherDb}`);
});

after(async () => {
  await runSql(client, `drop schema if exists ${schemaA} cascade`);
  await runSql(client, `drop schema if exists ${schemaB} cascade`);
  await runSql(client, `drop database if exists ${otherDb}`);
  client.destroy();
});

async function collect(paginator, key) {
  const items = [];
  let pages = 0;
  for await (const page of paginator) {
    pages += 1;
    items.push(...page[key]);
  }
  return { items, pages };
}

describe('ListDatabases', () => {
  it('lists dev and the database created here', async () => {
    const out = await client.send(new ListDatabasesCommand({ ...target }));
    assert.ok(out.Databases.includes(stack.database), `${out.Databases}`);
    assert.ok(out.Databases.includes(otherDb), `${out.Databases}`);
    assert.ok(!out.Databases.includes('template0'), 'template databases are not listed');
    assert.equal(out.NextToken, undefined);
  });

  it('pages with MaxResults 1 to the same set', async () => {
    const all = (await client.send(new ListDatabasesCommand({ ...target }))).Databases;
    const { items, pages } = await collect(
      paginateListDatabases({ client, pageSize: 1 }, { ...target }),
      'Databases',
    );
    assert.deepEqual(items.slice().sort(), all.slice().sort());
    assert.equal(pages >= all.length, true, `${pages} pages for ${all.length} databases`);
  });
});

describe('ListSchemas', () => {
  it('filters with a LIKE pattern', async () => {
    const exact = await client.send(new ListSchemasCommand({ ...target, SchemaPattern: schemaA }));
    assert.deepEqual(exact.Schemas, [schemaA]);
    const prefix = await client.send(
      new ListSchemasCommand({ ...target, SchemaPattern: `sdk_cat_${runTag}_%` }),
    );
    assert.deepEqual(prefix.Schemas.slice().sort(), [schemaA, schemaB]);
    // '_' matches exactly one character.
    const one = await client.send(
      new ListSchemasCommand({ ...target, SchemaPattern: `sdk_cat_${runTag}__` }),
    );
    assert.deepEqual(one.Schemas.slice().sort(), [schemaA, schemaB]);
  });

  it('lists public and pages with MaxResults', async () => {
    const all = await client.send(new ListSchemasCommand({ ...target }));
    assert.ok(all.Schemas.includes('public'));
    const { items, pages } = await collect(
      paginateListSchemas(
        { client, pageSize: 1 },
        { ...target, SchemaPattern: `sdk_cat_${runTag}_%` },
      ),
      'Schemas',
    );
    assert.deepEqual(items.slice().sort(), [schemaA, schemaB]);
    assert.ok(pages >= 2);
  });

  it('inspects another Database through ConnectedDatabase', async () => {
    const out = await client.send(
      new ListSchemasCommand({
        WorkgroupName: stack.workgroup,
        Database: otherDb,
        ConnectedDatabase: stack.database,
      }),
    );
    assert.ok(out.Schemas.includes('public'));
    assert.ok(!out.Schemas.includes(schemaA), `${schemaA} lives in ${stack.database} only`);
  });
});

describe('ListTables', () => {
  it('lists tables and views of a schema with their types', async () => {
    const out = await client.send(new ListTablesCommand({ ...target, SchemaPattern: schemaA }));
    const got = out.Tables.map((t) => `${t.schema}.${t.name}:${t.type}`).sort();
    assert.deepEqual(got, [
      `${schemaA}.items:TABLE`,
      `${schemaA}.items_view:VIEW`,
      `${schemaA}.orders:TABLE`,
      `${schemaA}.other:TABLE`,
    ]);
  });

  it('filters with TablePattern across schemas', async () => {
    const out = await client.send(
      new ListTablesCommand({
        ...target,
        SchemaPattern: `sdk_cat_${runTag}_%`,
        TablePattern: 'items',
      }),
    );
    assert.deepEqual(
      out.Tables.map((t) => `${t.schema}.${t.name}`).sort(),
      [`${schemaA}.items`, `${schemaB}.items`],
    );
    const o = await client.send(
      new ListTablesCommand({ ...target, SchemaPattern: schemaA, TablePattern: 'o%' }),
    );
    assert.deepEqual(o.Tables.map((t) => t.name).sort(), ['orders', 'other']);
  });

  it('pages with MaxResults 2', async () => {
    const { items, pages } = await collect(
      paginateListTables({ client, pageSize: 2 }, { ...target, SchemaPattern: schemaA }),
      'Tables',
    );
    assert.equal(items.length, 4);
    assert.equal(new Set(items.map((t) => t.name)).size, 4, 'no table twice');
    assert.ok(pages >= 2, `${pages} pages`);
  });
});

describe('DescribeTable', () => {
  it('describes the columns of one table', async () => {
    const out = await client.send(
      new DescribeTableCommand({ ...target, Schema: schemaA, Table: 'items' }),
    );
    assert.equal(out.TableName, 'items');
    const cols = out.ColumnList;
    assert.deepEqual(
      cols.map((c) => [c.name, c.typeName, c.nullable, c.schemaName, c.tableName]),
      [
        ['id', 'int8', 0, schemaA, 'items'],
        ['name', 'varchar', 0, schemaA, 'items'],
        ['price', 'numeric', 1, schemaA, 'items'],
        ['created', 'timestamp', 1, schemaA, 'items'],
        ['note', 'text', 1, schemaA, 'items'],
      ],
    );
    // AWS's one DescribeTable sample (dataapi.md §4.2) gives a character column's declared size
    // in both precision and length.
    assert.equal(cols[1].precision, 40, 'varchar(40) precision');
    assert.equal(cols[1].length, 40, 'varchar(40) length');
    assert.equal(cols[2].precision, 10);
    assert.equal(cols[2].scale, 2);
    assert.match(cols[1].columnDefault ?? '', /'none'/);
    assert.equal(cols[0].columnDefault, undefined);
  });

  it('pages the column list with MaxResults 2', async () => {
    const { items, pages } = await collect(
      paginateDescribeTable(
        { client, pageSize: 2 },
        { ...target, Schema: schemaA, Table: 'items' },
      ),
      'ColumnList',
    );
    assert.deepEqual(
      items.map((c) => c.name),
      ['id', 'name', 'price', 'created', 'note'],
    );
    assert.ok(pages >= 3, `${pages} pages for 5 columns`);
  });
});
