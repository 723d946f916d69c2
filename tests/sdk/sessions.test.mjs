// Data API sessions: SessionKeepAliveSeconds creates one, SessionId reuses it (SET, temporary
// tables and transactions persist across calls), ListSessions shows it, keep-alive expiry ends it.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  ListSessionsCommand,
  RedshiftDataServiceException,
  ValidationException,
} from '@aws-sdk/client-redshift-data';
import {
  makeClient,
  queryRows,
  rejectsWith,
  runOk,
  runSql,
  sleep,
  target,
  UUID_RE,
  waitStatus,
  waitTerminal,
} from './lib/client.mjs';
import { runTag, stack } from './lib/env.mjs';

const client = makeClient();
const table = `sdk_sess_${runTag}`;

before(async () => {
  await runOk(client, `create table ${table} (n int)`);
});

after(async () => {
  await runSql(client, `drop table if exists ${table}`);
  client.destroy();
});

// Opens a session with a first statement; returns its SessionId.
async function openSession(keepAlive, sql = `set application_name = 'sdk-${runTag}'`) {
  const out = await client.send(
    new ExecuteStatementCommand({
      ...target,
      Sql: sql,
      SessionKeepAliveSeconds: keepAlive,
      WaitTimeSeconds: 10,
    }),
  );
  assert.equal(out.Status, 'FINISHED');
  assert.match(out.SessionId ?? '', UUID_RE, 'ExecuteStatement returns the new SessionId');
  return out.SessionId;
}

describe('a session', () => {
  let sid;

  before(async () => {
    sid = await openSession(60);
  });

  it('keeps SET across calls and reports its SessionId', async () => {
    const { exec, desc } = await runOk(client, 'show application_name', { SessionId: sid });
    assert.equal(exec.SessionId, sid);
    assert.equal(desc.SessionId, sid);
    assert.deepEqual(await queryRows(client, 'show application_name', { SessionId: sid }), [
      [`sdk-${runTag}`],
    ]);
  });

  it('runs every statement on the same backend', async () => {
    const a = await queryRows(client, 'select pg_backend_pid()', { SessionId: sid });
    const b = await queryRows(client, 'select pg_backend_pid()', { SessionId: sid });
    assert.deepEqual(a, b);
    const { desc } = await runOk(client, 'select 1', { SessionId: sid });
    assert.equal(desc.RedshiftPid, a[0][0], 'RedshiftPid is the session backend');
  });

  it('keeps a temporary table that other connections cannot see', async () => {
    await runOk(client, 'create temp table tt (a int)', { SessionId: sid });
    await runOk(client, 'insert into tt values (1), (2)', { SessionId: sid });
    assert.deepEqual(await queryRows(client, 'select count(*) from tt', { SessionId: sid }), [[2]]);
    const outside = await runSql(client, 'select count(*) from tt');
    assert.equal(outside.desc.Status, 'FAILED');
    assert.equal(outside.desc.Error, 'ERROR: relation "tt" does not exist\n Position: 22');
  });

  it('keeps a transaction open across calls; ROLLBACK undoes it', async () => {
    await runOk(client, 'begin', { SessionId: sid });
    await runOk(client, `insert into ${table} values (1)`, { SessionId: sid });
    assert.deepEqual(
      await queryRows(client, `select count(*) from ${table}`, { SessionId: sid }),
      [[1]],
      'the session sees its own insert',
    );
    assert.deepEqual(
      await queryRows(client, `select count(*) from ${table}`),
      [[0]],
      'no one else sees an uncommitted insert',
    );
    await runOk(client, 'rollback', { SessionId: sid });
    assert.deepEqual(await queryRows(client, `select count(*) from ${table}`), [[0]]);
  });

  it('an error aborts the open transaction until ROLLBACK', async () => {
    await runOk(client, 'begin', { SessionId: sid });
    const bad = await runSql(client, 'select 1/0', { SessionId: sid });
    assert.equal(bad.desc.Status, 'FAILED');
    const ignored = await runSql(client, 'select 1', { SessionId: sid });
    assert.equal(ignored.desc.Status, 'FAILED');
    assert.equal(
      ignored.desc.Error,
      'ERROR: current transaction is aborted, commands ignored until end of transaction block',
    );
    await runOk(client, 'rollback', { SessionId: sid });
    assert.deepEqual(await queryRows(client, 'select 1', { SessionId: sid }), [[1]]);
  });

  it('COMMIT makes the transaction visible to everyone', async () => {
    await runOk(client, 'begin', { SessionId: sid });
    await runOk(client, `insert into ${table} values (7)`, { SessionId: sid });
    await runOk(client, 'commit', { SessionId: sid });
    assert.deepEqual(await queryRows(client, `select n from ${table}`), [[7]]);
    await runOk(client, `delete from ${table}`);
  });

  it('is listed by ListSessions as AVAILABLE with its target and TTL', async () => {
    const out = await client.send(new ListSessionsCommand({ SessionId: sid }));
    assert.equal(out.Sessions.length, 1);
    const s = out.Sessions[0];
    assert.equal(s.SessionId, sid);
    assert.equal(s.Status, 'AVAILABLE');
    assert.equal(s.Database, stack.database);
    assert.equal(s.WorkgroupName, stack.workgroup);
    assert.equal(s.SessionAliveSeconds, 60);
    assert.ok(s.CreatedAt instanceof Date);
    assert.ok(s.SessionTtl instanceof Date);
    const ttlMs = s.SessionTtl.getTime() - Date.now();
    assert.ok(ttlMs > 50_000 && ttlMs <= 62_000, `SessionTtl ${ttlMs} ms ahead, keep-alive 60 s`);
    assert.equal(s.CurrentStatementId, undefined, 'only a BUSY session has CurrentStatementId');

    const all = await client.send(new ListSessionsCommand({}));
    assert.ok(
      all.Sessions.some((x) => x.SessionId === sid),
      'the default listing (AVAILABLE and BUSY) includes it',
    );
    const closed = await client.send(new ListSessionsCommand({ Status: 'CLOSED' }));
    assert.ok(!closed.Sessions.some((x) => x.SessionId === sid), 'not listed as CLOSED');
  });

  it('is BUSY while a statement runs, and refuses a second one', async () => {
    const running = await client.send(
      new ExecuteStatementCommand({ Sql: 'select pg_sleep(2)', SessionId: sid }),
    );
    await waitStatus(client, running.Id, 'STARTED');
    const out = await client.send(new ListSessionsCommand({ SessionId: sid }));
    assert.equal(out.Sessions[0].Status, 'BUSY');
    assert.equal(out.Sessions[0].CurrentStatementId, running.Id);
    // AWS documents that a session runs one statement at a time, not the error it gives; the
    // emulator documents a 400 (tests/emulator/README.md).
    const err = await rejectsWith(
      client.send(new ExecuteStatementCommand({ Sql: 'select 1', SessionId: sid })),
      { cls: RedshiftDataServiceException, status: 400 },
    );
    assert.match(err.message, /busy|running|one statement/i);
    assert.equal((await waitTerminal(client, running.Id)).Status, 'FINISHED');
  });

  it('rejects a target next to SessionId', async () => {
    await rejectsWith(
      client.send(new ExecuteStatementCommand({ ...target, Sql: 'select 1', SessionId: sid })),
      { cls: ValidationException, status: 400 },
    );
  });
});

describe('session errors and expiry', () => {
  it('expires after its keep-alive: "Session is not available"', async () => {
    const sid = await openSession(2);
    await runOk(client, 'select 1', { SessionId: sid });
    // Keep-alive counts from the end of the last statement.
    await sleep(3500);
    await rejectsWith(
      client.send(new ExecuteStatementCommand({ Sql: 'select 1', SessionId: sid })),
      { cls: ValidationException, status: 400, message: 'Session is not available' },
    );
  });

  it('an unknown SessionId is invalid', async () => {
    const sid = randomUUID();
    await rejectsWith(
      client.send(new ExecuteStatementCommand({ Sql: 'select 1', SessionId: sid })),
      {
        cls: ValidationException,
        status: 400,
        message: new RegExp(`Session with Id: ${sid} is invalid`),
      },
    );
  });

  it('a malformed SessionId fails validation', async () => {
    await rejectsWith(
      client.send(new ExecuteStatementCommand({ Sql: 'select 1', SessionId: 'NOT-A-SESSION' })),
      { cls: ValidationException, status: 400 },
    );
  });

  it('SessionKeepAliveSeconds 0 opens no session', async () => {
    const out = await client.send(
      new ExecuteStatementCommand({
        ...target,
        Sql: 'select 1',
        SessionKeepAliveSeconds: 0,
        WaitTimeSeconds: 10,
      }),
    );
    assert.equal(out.SessionId, undefined);
  });

  it('SessionKeepAliveSeconds above 86400 fails validation', async () => {
    await rejectsWith(
      client.send(
        new ExecuteStatementCommand({ ...target, Sql: 'select 1', SessionKeepAliveSeconds: 86401 }),
      ),
      { cls: ValidationException, status: 400 },
    );
  });
});

describe('BatchExecuteStatement in a session', () => {
  it('opens a session that a later ExecuteStatement continues', async () => {
    const out = await client.send(
      new BatchExecuteStatementCommand({
        ...target,
        Sqls: ['create temp table bt (a int)', 'insert into bt values (41)'],
        SessionKeepAliveSeconds: 30,
      }),
    );
    assert.match(out.SessionId ?? '', UUID_RE);
    const d = await waitTerminal(client, out.Id);
    assert.equal(d.Status, 'FINISHED', d.Error);
    assert.equal(d.SessionId, out.SessionId);
    assert.deepEqual(
      await queryRows(client, 'select a + 1 from bt', { SessionId: out.SessionId }),
      [[42]],
    );
    const desc = await client.send(new DescribeStatementCommand({ Id: out.Id }));
    assert.equal(desc.SessionId, out.SessionId);
  });
});
