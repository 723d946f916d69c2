// Statement operations through AWS's SDK: ExecuteStatement, DescribeStatement, GetStatementResult,
// GetStatementResultV2, CancelStatement, ListStatements, ClientToken idempotency.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  GetStatementResultV2Command,
  ListStatementsCommand,
  paginateListStatements,
  ValidationException,
} from '@aws-sdk/client-redshift-data';
import {
  isTerminal,
  makeClient,
  queryRows,
  REQUEST_ID_RE,
  rejectsWith,
  runOk,
  runSql,
  target,
  UUID_RE,
  waitStatus,
  waitTerminal,
} from './lib/client.mjs';
import { runTag, stack } from './lib/env.mjs';

const client = makeClient();
const table = `sdk_ops_${runTag}`;

before(async () => {
  await runOk(client, `create table ${table} (id int not null, v text)`);
  await runOk(client, `insert into ${table} values (1, 'a'), (2, 'b'), (3, 'c')`);
});

after(async () => {
  await runSql(client, `drop table if exists ${table}`);
  client.destroy();
});

// The emulator runs on this machine, so its clock is ours; 2 s covers the 1 ms rounding of
// epoch-seconds timestamps and scheduling noise.
function assertRecent(date, startedMs) {
  assert.ok(date instanceof Date, `expected a Date, got ${date}`);
  assert.ok(date.getTime() >= startedMs - 2000, `${date.toISOString()} is before the call`);
  assert.ok(date.getTime() <= Date.now() + 2000, `${date.toISOString()} is in the future`);
}

describe('ExecuteStatement', () => {
  it('returns Id, CreatedAt and echoes the serverless target', async () => {
    const started = Date.now();
    const out = await client.send(new ExecuteStatementCommand({ ...target, Sql: 'select 1' }));
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.match(out.$metadata.requestId, REQUEST_ID_RE);
    assert.match(out.Id, UUID_RE);
    assertRecent(out.CreatedAt, started);
    assert.equal(out.Database, stack.database);
    assert.equal(out.WorkgroupName, stack.workgroup);
    assert.equal(out.ClusterIdentifier, undefined, 'serverless: no ClusterIdentifier');
    assert.equal(out.SessionId, undefined, 'no session was asked for');
    assert.equal((await waitTerminal(client, out.Id)).Status, 'FINISHED');
  });

  it('echoes ClusterIdentifier, DbUser and SecretArn for a provisioned target', async () => {
    const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:redwire-sdk-AbCdEf';
    const out = await client.send(
      new ExecuteStatementCommand({
        ClusterIdentifier: 'redwire-sdk-cluster',
        Database: stack.database,
        DbUser: 'awsuser',
        SecretArn: secretArn,
        Sql: 'select 1',
      }),
    );
    assert.equal(out.ClusterIdentifier, 'redwire-sdk-cluster');
    assert.equal(out.DbUser, 'awsuser');
    assert.equal(out.SecretArn, secretArn);
    assert.equal(out.WorkgroupName, undefined, 'provisioned: no WorkgroupName');
    const d = await waitTerminal(client, out.Id);
    assert.equal(d.ClusterIdentifier, 'redwire-sdk-cluster');
    assert.equal(d.DbUser, 'awsuser');
    assert.equal(d.SecretArn, secretArn);
    assert.equal(d.WorkgroupName, undefined);
  });

  it('WaitTimeSeconds returns as soon as the statement is terminal', async () => {
    const started = Date.now();
    const out = await client.send(
      new ExecuteStatementCommand({ ...target, Sql: 'select 1', WaitTimeSeconds: 5 }),
    );
    const ms = Date.now() - started;
    assert.equal(out.Status, 'FINISHED');
    assert.equal(out.HasResultSet, true);
    assert.ok(ms < 3000, `select 1 with WaitTimeSeconds 5 took ${ms} ms`);
  });

  it('WaitTimeSeconds returns a non-terminal status when the wait ends first', async () => {
    const started = Date.now();
    const out = await client.send(
      new ExecuteStatementCommand({ ...target, Sql: 'select pg_sleep(2.5)', WaitTimeSeconds: 1 }),
    );
    const ms = Date.now() - started;
    assert.ok(['SUBMITTED', 'PICKED', 'STARTED'].includes(out.Status), `Status ${out.Status}`);
    assert.ok(ms >= 900 && ms < 2400, `WaitTimeSeconds 1 answered after ${ms} ms`);
    // DescribeStatement's long poll ends when the statement does, not after its full 10 s.
    const d = await client.send(new DescribeStatementCommand({ Id: out.Id, WaitTimeSeconds: 10 }));
    const total = Date.now() - started;
    assert.equal(d.Status, 'FINISHED');
    assert.equal(d.HasResultSet, true);
    assert.ok(total >= 2400 && total < 5000, `pg_sleep(2.5) observed FINISHED after ${total} ms`);
  });

  it('a statement without a result set reports HasResultSet false', async () => {
    const out = await client.send(
      new ExecuteStatementCommand({
        ...target,
        Sql: `update ${table} set v = v where id <= 2`,
        WaitTimeSeconds: 10,
      }),
    );
    assert.equal(out.Status, 'FINISHED');
    assert.equal(out.HasResultSet, false);
    const d = await client.send(new DescribeStatementCommand({ Id: out.Id }));
    assert.equal(d.ResultRows, 2, 'UPDATE reports the rows it affected');
    assert.equal(d.HasResultSet, false);
  });

  it('binds Parameters by name, as values, and echoes them in DescribeStatement', async () => {
    // :a twice: one name is one parameter wherever it appears.
    const sql = 'select :a::int + :b::int as total, :who as who, :a::int * 2 as twice';
    const params = [
      { name: 'a', value: '40' },
      { name: 'b', value: '2' },
      // A quote inside a value is data, never SQL.
      { name: 'who', value: "o'brien; drop table x" },
    ];
    const { id, desc } = await runOk(client, sql, { Parameters: params });
    assert.equal(desc.QueryString, sql, 'QueryString is the text as sent, placeholders intact');
    assert.deepEqual(desc.QueryParameters, params);
    const page = await client.send(new GetStatementResultCommand({ Id: id }));
    assert.deepEqual(page.Records, [
      [{ longValue: 42 }, { stringValue: "o'brien; drop table x" }, { longValue: 80 }],
    ]);
  });
});

describe('DescribeStatement', () => {
  it('describes a finished SELECT completely', async () => {
    const sql = `select id, v from ${table} order by id`;
    const started = Date.now();
    const { id, desc: d } = await runOk(client, sql);
    assert.equal(d.Id, id);
    assert.equal(d.Status, 'FINISHED');
    assert.equal(d.QueryString, sql);
    assert.equal(d.HasResultSet, true);
    assert.equal(d.ResultRows, 3);
    assert.ok(d.ResultSize > 0, `ResultSize ${d.ResultSize}`);
    assert.ok(Number.isInteger(d.Duration) && d.Duration > 0, `Duration ${d.Duration} ns`);
    assert.ok(d.Duration < 30e9, `Duration ${d.Duration} must be nanoseconds of a short query`);
    assertRecent(d.CreatedAt, started);
    assertRecent(d.UpdatedAt, started);
    assert.ok(d.UpdatedAt >= d.CreatedAt);
    assert.ok(Number.isInteger(d.RedshiftPid) && d.RedshiftPid > 0, `RedshiftPid ${d.RedshiftPid}`);
    assert.ok(Number.isInteger(d.RedshiftQueryId), `RedshiftQueryId ${d.RedshiftQueryId}`);
    assert.equal(d.Database, stack.database);
    assert.equal(d.WorkgroupName, stack.workgroup);
    // The model's enum says JSON; AWS's one sample response spells it in lower case ("csv").
    assert.equal(d.ResultFormat?.toUpperCase(), 'JSON');
    assert.equal(d.Error, undefined);
    assert.equal(d.SessionId, undefined);
    assert.equal(d.QueryParameters, undefined);
    assert.equal(d.SubStatements, undefined);
  });

  it('reports a syntax error as Redshift does: ERROR text, Position, no SQLSTATE', async () => {
    const { desc: d } = await runSql(client, 'select 1 + from t');
    assert.equal(d.Status, 'FAILED');
    assert.equal(d.Error, 'ERROR: syntax error at or near "from"\n Position: 12');
    assert.equal(d.HasResultSet, false);
  });

  it('reports a missing relation with its position', async () => {
    const { desc: d } = await runSql(client, `select * from no_such_table_${runTag}`);
    assert.equal(d.Status, 'FAILED');
    assert.equal(
      d.Error,
      `ERROR: relation "no_such_table_${runTag}" does not exist\n Position: 15`,
    );
  });

  it('reports a run-time error without a position', async () => {
    const { desc: d } = await runSql(client, 'select 1/0');
    assert.equal(d.Status, 'FAILED');
    assert.equal(d.Error, 'ERROR: division by zero');
    assert.doesNotMatch(d.Error, /22012|SQLSTATE/);
  });

  it('DDL has no result set and no row count', async () => {
    const t2 = `${table}_ddl`;
    const { desc: d } = await runOk(client, `create table ${t2} (x int)`);
    assert.equal(d.HasResultSet, false);
    // -1 is the model's "null"; a CREATE TABLE returns and affects no rows.
    assert.equal(d.ResultRows, -1);
    await runOk(client, `drop table ${t2}`);
  });
});

describe('GetStatementResult', () => {
  it('returns the records, metadata and row count of a small result in one page', async () => {
    const { id } = await runOk(client, `select id, v from ${table} order by id`);
    const page = await client.send(new GetStatementResultCommand({ Id: id }));
    assert.deepEqual(page.Records, [
      [{ longValue: 1 }, { stringValue: 'a' }],
      [{ longValue: 2 }, { stringValue: 'b' }],
      [{ longValue: 3 }, { stringValue: 'c' }],
    ]);
    assert.equal(page.TotalNumRows, 3);
    assert.equal(page.NextToken, undefined);
    assert.deepEqual(
      page.ColumnMetadata.map((c) => [c.name, c.label, c.schemaName, c.tableName, c.nullable]),
      [
        ['id', 'id', 'public', table, 0],
        ['v', 'v', 'public', table, 1],
      ],
    );
  });

  it('an empty result has HasResultSet true, no records and its column metadata', async () => {
    const { id, desc } = await runOk(client, 'select 1 where false');
    assert.equal(desc.HasResultSet, true);
    assert.equal(desc.ResultRows, 0);
    const page = await client.send(new GetStatementResultCommand({ Id: id }));
    assert.deepEqual(page.Records, []);
    assert.equal(page.TotalNumRows, 0);
    assert.equal(page.ColumnMetadata.length, 1);
    assert.equal(page.ColumnMetadata[0].name, '?column?');
    assert.equal(page.ColumnMetadata[0].typeName, 'int4');
  });

  it('WaitTimeSeconds waits for the statement before returning its result', async () => {
    const out = await client.send(
      new ExecuteStatementCommand({ ...target, Sql: 'select pg_sleep(1.5), 7 as n' }),
    );
    const page = await client.send(
      new GetStatementResultCommand({ Id: out.Id, WaitTimeSeconds: 10 }),
    );
    assert.equal(page.TotalNumRows, 1);
    assert.deepEqual(page.Records[0][1], { longValue: 7 });
  });
});

describe('GetStatementResultV2 (CSV)', () => {
  it('returns CSV records with a header row and CRLF line ends', async () => {
    const { id, desc } = await runOk(client, `select id, v from ${table} order by id`, {
      ResultFormat: 'CSV',
    });
    assert.equal(desc.ResultFormat?.toUpperCase(), 'CSV');
    const page = await client.send(new GetStatementResultV2Command({ Id: id }));
    assert.ok(page.Records.length >= 1);
    for (const r of page.Records) assert.equal(typeof r.CSVRecords, 'string');
    assert.equal(page.Records.map((r) => r.CSVRecords).join(''), 'id,v\r\n1,a\r\n2,b\r\n3,c\r\n');
    assert.equal(page.TotalNumRows, 3);
    // AWS's documented example says "csv"; the model's enum says "CSV".
    assert.equal(page.ResultFormat?.toUpperCase(), 'CSV');
    assert.deepEqual(
      page.ColumnMetadata.map((c) => c.name),
      ['id', 'v'],
    );
    assert.equal(page.NextToken, undefined);
  });

  it('WaitTimeSeconds waits for a running statement before returning its CSV', async () => {
    const out = await client.send(
      new ExecuteStatementCommand({
        ...target,
        Sql: 'select 7 as n from pg_sleep(1.5)',
        ResultFormat: 'CSV',
      }),
    );
    const started = Date.now();
    const page = await client.send(
      new GetStatementResultV2Command({ Id: out.Id, WaitTimeSeconds: 10 }),
    );
    const ms = Date.now() - started;
    assert.equal(page.Records.map((r) => r.CSVRecords).join(''), 'n\r\n7\r\n');
    // Without the wait the call would have found the statement still running (ValidationException).
    assert.ok(ms >= 1000, `answered after ${ms} ms, before the 1.5 s statement could finish`);
  });

  // What AWS answers for a format mismatch is not documented; a 400 ValidationException is the
  // emulator's documented choice (tests/emulator/README.md).
  it('rejects GetStatementResultV2 on a JSON statement', async () => {
    const { id } = await runOk(client, 'select 1');
    await rejectsWith(client.send(new GetStatementResultV2Command({ Id: id })), {
      cls: ValidationException,
      status: 400,
    });
  });

  it('rejects GetStatementResult on a CSV statement', async () => {
    const { id } = await runOk(client, 'select 1', { ResultFormat: 'CSV' });
    await rejectsWith(client.send(new GetStatementResultCommand({ Id: id })), {
      cls: ValidationException,
      status: 400,
    });
  });
});

describe('CancelStatement', () => {
  it('cancels a running pg_sleep(30): Status true, ABORTED within about 1 s', async () => {
    const out = await client.send(
      new ExecuteStatementCommand({ ...target, Sql: 'select pg_sleep(30)' }),
    );
    // Only a running query can be cancelled.
    await waitStatus(client, out.Id, 'STARTED');

    const started = Date.now();
    const cancel = await client.send(new CancelStatementCommand({ Id: out.Id }));
    assert.equal(cancel.Status, true);
    const aborted = await client.send(
      new DescribeStatementCommand({ Id: out.Id, WaitTimeSeconds: 5 }),
    );
    const ms = Date.now() - started;
    assert.equal(aborted.Status, 'ABORTED');
    assert.ok(ms < 1500, `ABORTED observed ${ms} ms after CancelStatement`);
    assert.equal(aborted.HasResultSet, false);
    // PostgreSQL itself stopped the query: its own cancel message, and no backend still sleeping.
    assert.equal(aborted.Error, 'ERROR: canceling statement due to user request');
    const sleeping = await queryRows(
      client,
      "select count(*) from pg_stat_activity where state = 'active' " +
        "and query like '%pg_sleep(30)%' and pid <> pg_backend_pid()",
    );
    assert.deepEqual(sleeping, [[0]]);
  });

  // AWS: "To be canceled, a query must be running." The error for a finished one is the
  // emulator's documented guess (ValidationException naming the status).
  it('refuses to cancel a finished statement', async () => {
    const { id } = await runOk(client, 'select 1');
    await rejectsWith(client.send(new CancelStatementCommand({ Id: id })), {
      cls: ValidationException,
      status: 400,
      message: /FINISHED/,
    });
  });

  // As GetStatementResult answers a well-formed unknown id on a real cluster (HTTP 400 "Query
  // does not exist.", errors.test.mjs has the source); CancelStatement is expected to answer alike.
  it('an unknown statement id: HTTP 400 "Query does not exist."', async () => {
    await rejectsWith(client.send(new CancelStatementCommand({ Id: randomUUID() })), {
      cls: ValidationException,
      status: 400,
      message: 'Query does not exist.',
    });
  });
});

describe('ClientToken idempotency', () => {
  it('the same token returns the same Id and runs the statement once', async () => {
    const t = `${table}_idem`;
    await runOk(client, `create table ${t} (n int)`);
    try {
      const token = randomUUID();
      const input = { ...target, Sql: `insert into ${t} values (1)`, ClientToken: token };
      const first = await client.send(new ExecuteStatementCommand(input));
      await waitTerminal(client, first.Id);
      const again = await client.send(new ExecuteStatementCommand(input));
      assert.equal(again.Id, first.Id);
      assert.deepEqual(await queryRows(client, `select count(*) from ${t}`), [[1]]);

      // A new token is a new statement.
      const other = await client.send(
        new ExecuteStatementCommand({ ...input, ClientToken: randomUUID() }),
      );
      assert.notEqual(other.Id, first.Id);
      await waitTerminal(client, other.Id);
      assert.deepEqual(await queryRows(client, `select count(*) from ${t}`), [[2]]);
    } finally {
      await runSql(client, `drop table if exists ${t}`);
    }
  });
});

describe('ListStatements', () => {
  const prefix = `sdk-ops-${runTag}-`;
  const names = { ok1: `${prefix}ok1`, ok2: `${prefix}ok2`, bad: `${prefix}bad` };
  const ids = {};

  before(async () => {
    ids.ok1 = (await runOk(client, 'select 1', { StatementName: names.ok1 })).id;
    ids.ok2 = (await runOk(client, 'select 2', { StatementName: names.ok2 })).id;
    const bad = await runSql(client, 'select 1/0', { StatementName: names.bad });
    assert.equal(bad.desc.Status, 'FAILED');
    ids.bad = bad.id;
    // Same prefix minus one character: must not match.
    await runOk(client, 'select 3', { StatementName: `sdk-ops-${runTag}` });
  });

  function byName(statements) {
    return Object.fromEntries(statements.map((s) => [s.StatementName, s]));
  }

  it('Status ALL with a StatementName prefix lists exactly the matching statements', async () => {
    const out = await client.send(
      new ListStatementsCommand({ StatementName: prefix, Status: 'ALL' }),
    );
    const got = byName(out.Statements);
    assert.deepEqual(Object.keys(got).sort(), Object.values(names).sort());
    assert.equal(got[names.ok1].Id, ids.ok1);
    assert.equal(got[names.ok1].QueryString, 'select 1');
    assert.equal(got[names.ok1].Status, 'FINISHED');
    assert.equal(got[names.ok1].IsBatchStatement, false);
    assert.ok(got[names.ok1].CreatedAt instanceof Date);
    assert.ok(got[names.ok1].UpdatedAt instanceof Date);
    assert.equal(got[names.bad].Status, 'FAILED');
    assert.equal(got[names.bad].Id, ids.bad);
  });

  it('filters by Status', async () => {
    const failed = await client.send(
      new ListStatementsCommand({ StatementName: prefix, Status: 'FAILED' }),
    );
    assert.deepEqual(
      failed.Statements.map((s) => s.Id),
      [ids.bad],
    );
    const finished = await client.send(
      new ListStatementsCommand({ StatementName: prefix, Status: 'FINISHED' }),
    );
    assert.deepEqual(finished.Statements.map((s) => s.Id).sort(), [ids.ok1, ids.ok2].sort());
  });

  it('by default lists only finished statements', async () => {
    const out = await client.send(new ListStatementsCommand({ StatementName: prefix }));
    assert.deepEqual(out.Statements.map((s) => s.Id).sort(), [ids.ok1, ids.ok2].sort());
  });

  it('pages with MaxResults and NextToken (SDK paginator)', async () => {
    const seen = [];
    let pages = 0;
    for await (const page of paginateListStatements(
      { client, pageSize: 1 },
      { StatementName: prefix, Status: 'ALL' },
    )) {
      pages += 1;
      assert.ok(page.Statements.length <= 1, `page of ${page.Statements.length} with MaxResults 1`);
      seen.push(...page.Statements.map((s) => s.Id));
    }
    assert.deepEqual(seen.slice().sort(), Object.values(ids).sort());
    assert.equal(new Set(seen).size, 3, 'no statement twice');
    assert.ok(pages >= 3, `${pages} pages for 3 statements with MaxResults 1`);
  });

  it('lists a running statement under Status STARTED', async () => {
    const name = `sdk-run-${runTag}`;
    const out = await client.send(
      new ExecuteStatementCommand({ ...target, Sql: 'select pg_sleep(2)', StatementName: name }),
    );
    await waitStatus(client, out.Id, 'STARTED');
    const list = await client.send(
      new ListStatementsCommand({ StatementName: name, Status: 'STARTED' }),
    );
    assert.deepEqual(
      list.Statements.map((s) => s.Id),
      [out.Id],
    );
    assert.ok(isTerminal((await waitTerminal(client, out.Id)).Status));
  });
});
