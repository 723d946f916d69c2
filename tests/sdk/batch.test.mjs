// BatchExecuteStatement: sub-statements <Id>:1..n, their descriptions and results, TRANSACTION
// (all or nothing) versus AUTO_COMMIT, shared Parameters.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  GetStatementResultCommand,
  ListStatementsCommand,
  ValidationException,
} from '@aws-sdk/client-redshift-data';
import {
  makeClient,
  queryRows,
  rejectsWith,
  runOk,
  runSql,
  target,
  UUID_RE,
  waitTerminal,
} from './lib/client.mjs';
import { runTag, stack } from './lib/env.mjs';

const client = makeClient();
const table = `sdk_batch_${runTag}`;

before(async () => {
  await runOk(client, `create table ${table} (n int, tag text)`);
});

after(async () => {
  await runSql(client, `drop table if exists ${table}`);
  client.destroy();
});

async function count(tag) {
  const rows = await queryRows(client, `select count(*) from ${table} where tag = :tag`, {
    Parameters: [{ name: 'tag', value: tag }],
  });
  return rows[0][0];
}

describe('a successful batch', () => {
  const name = `sdk-batch-${runTag}`;
  const sqls = [
    `insert into ${table} values (1, 'ok'), (2, 'ok')`,
    `update ${table} set n = n * 10 where tag = 'ok'`,
    `select n from ${table} where tag = 'ok' order by n`,
  ];
  let out;
  let d;

  before(async () => {
    out = await client.send(
      new BatchExecuteStatementCommand({ ...target, Sqls: sqls, StatementName: name }),
    );
    d = await waitTerminal(client, out.Id);
  });

  it('returns the parent Id and echoes the target', () => {
    assert.match(out.Id, UUID_RE);
    assert.ok(out.CreatedAt instanceof Date);
    assert.equal(out.Database, stack.database);
    assert.equal(out.WorkgroupName, stack.workgroup);
  });

  it('describes the parent with one SubStatement per SQL, ids :1..:n', () => {
    assert.equal(d.Status, 'FINISHED', d.Error);
    assert.equal(d.HasResultSet, true, 'true when any sub-statement has a result set');
    assert.equal(d.SubStatements.length, 3);
    assert.deepEqual(
      d.SubStatements.map((s) => s.Id),
      [`${out.Id}:1`, `${out.Id}:2`, `${out.Id}:3`],
    );
    assert.deepEqual(
      d.SubStatements.map((s) => s.QueryString),
      sqls,
    );
    assert.deepEqual(
      d.SubStatements.map((s) => s.Status),
      ['FINISHED', 'FINISHED', 'FINISHED'],
    );
    assert.deepEqual(
      d.SubStatements.map((s) => s.HasResultSet),
      [false, false, true],
    );
    assert.deepEqual(
      d.SubStatements.map((s) => s.ResultRows),
      [2, 2, 2],
    );
    for (const s of d.SubStatements) {
      assert.ok(s.Duration > 0, `Duration of ${s.Id}`);
      assert.ok(s.CreatedAt instanceof Date && s.UpdatedAt instanceof Date);
    }
  });

  it('describes a sub-statement by its :N id', async () => {
    const s = await client.send(new DescribeStatementCommand({ Id: `${out.Id}:2` }));
    assert.equal(s.Id, `${out.Id}:2`);
    assert.equal(s.Status, 'FINISHED');
    assert.equal(s.QueryString, sqls[1]);
    assert.equal(s.ResultRows, 2);
    assert.equal(s.HasResultSet, false);
  });

  it("fetches a sub-statement's result", async () => {
    const page = await client.send(new GetStatementResultCommand({ Id: `${out.Id}:3` }));
    assert.deepEqual(page.Records, [[{ longValue: 10 }], [{ longValue: 20 }]]);
    assert.equal(page.TotalNumRows, 2);
    assert.equal(page.ColumnMetadata[0].name, 'n');
  });

  // An unknown id answers HTTP 400 "Query does not exist." (errors.test.mjs has the source).
  it('a sub-statement that does not exist does not exist', async () => {
    await rejectsWith(client.send(new DescribeStatementCommand({ Id: `${out.Id}:4` })), {
      cls: ValidationException,
      status: 400,
      message: 'Query does not exist.',
    });
  });

  it('is listed as a batch with its query strings', async () => {
    const list = await client.send(
      new ListStatementsCommand({ StatementName: name, Status: 'ALL' }),
    );
    assert.equal(list.Statements.length, 1);
    const s = list.Statements[0];
    assert.equal(s.Id, out.Id);
    assert.equal(s.IsBatchStatement, true);
    assert.deepEqual(s.QueryStrings, sqls);
  });
});

describe('a failing batch', () => {
  it('TRANSACTION mode (the default) rolls back the statements before the failure', async () => {
    const out = await client.send(
      new BatchExecuteStatementCommand({
        ...target,
        Sqls: [
          `insert into ${table} values (1, 'tx')`,
          `insert into ${table} values (2, 'tx')`,
          'select 1/0',
        ],
      }),
    );
    const d = await waitTerminal(client, out.Id);
    assert.equal(d.Status, 'FAILED');
    assert.match(d.Error, /^ERROR: division by zero/);
    // The statements before the failure ran (and were rolled back with the transaction): a
    // real-cluster test of a failing default-mode batch sees FINISHED, FAILED
    // (ballerina-platform/module-ballerinax-aws.redshiftdata, describe_statement_test.bal).
    assert.deepEqual(
      d.SubStatements.map((s) => s.Status),
      ['FINISHED', 'FINISHED', 'FAILED'],
    );
    assert.equal(d.SubStatements[2].Error, 'ERROR: division by zero');
    assert.equal(await count('tx'), 0, 'nothing of a failed transaction remains');
  });

  it('AUTO_COMMIT keeps the statements before the failure', async () => {
    const out = await client.send(
      new BatchExecuteStatementCommand({
        ...target,
        Sqls: [
          `insert into ${table} values (1, 'ac')`,
          `insert into ${table} values (2, 'ac')`,
          'select 1/0',
        ],
        ExecutionMode: 'AUTO_COMMIT',
      }),
    );
    const d = await waitTerminal(client, out.Id);
    assert.equal(d.Status, 'FAILED');
    assert.equal(d.ExecutionMode, 'AUTO_COMMIT');
    assert.deepEqual(
      d.SubStatements.map((s) => s.Status),
      ['FINISHED', 'FINISHED', 'FAILED'],
    );
    assert.equal(await count('ac'), 2);
  });
});

describe('batch ClientToken idempotency', () => {
  it('the same token returns the same Id and runs the batch once', async () => {
    const tag = `idem-${runTag}`;
    const input = {
      ...target,
      Sqls: [`insert into ${table} values (1, '${tag}')`, `insert into ${table} values (2, '${tag}')`],
      ClientToken: randomUUID(),
    };
    const first = await client.send(new BatchExecuteStatementCommand(input));
    assert.equal((await waitTerminal(client, first.Id)).Status, 'FINISHED');
    const again = await client.send(new BatchExecuteStatementCommand(input));
    assert.equal(again.Id, first.Id);
    assert.equal(await count(tag), 2);

    const other = await client.send(
      new BatchExecuteStatementCommand({ ...input, ClientToken: randomUUID() }),
    );
    assert.notEqual(other.Id, first.Id);
    await waitTerminal(client, other.Id);
    assert.equal(await count(tag), 4);
  });
});

describe('batch parameters', () => {
  it('are shared by every SQL of the batch', async () => {
    const out = await client.send(
      new BatchExecuteStatementCommand({
        ...target,
        Sqls: [
          `insert into ${table} values (:n::int, :tag)`,
          `insert into ${table} values (:n::int + 1, :tag)`,
        ],
        Parameters: [
          { name: 'n', value: '5' },
          { name: 'tag', value: 'param' },
        ],
        WaitTimeSeconds: 10,
      }),
    );
    const d = await waitTerminal(client, out.Id);
    assert.equal(d.Status, 'FINISHED', d.Error);
    assert.deepEqual(
      await queryRows(client, `select n from ${table} where tag = 'param' order by n`),
      [[5], [6]],
    );
  });

  it('a parameter no SQL uses is a ValidationException', async () => {
    await rejectsWith(
      client.send(
        new BatchExecuteStatementCommand({
          ...target,
          Sqls: ['select :a::int'],
          Parameters: [
            { name: 'a', value: '1' },
            { name: 'unused', value: '2' },
          ],
        }),
      ),
      { cls: ValidationException, status: 400 },
    );
  });

  it('more than 40 SQLs is a ValidationException', async () => {
    await rejectsWith(
      client.send(
        new BatchExecuteStatementCommand({ ...target, Sqls: Array(41).fill('select 1') }),
      ),
      { cls: ValidationException, status: 400 },
    );
  });
});
