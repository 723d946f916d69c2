// Fault injection (POST /_emulator/faults) seen through the SDK's retry strategy: throttling and
// 5xx answers are retried up to maxAttempts, then surface; dropped connections likewise;
// latency and stalled pages only slow answers down. Also the stats and health endpoints.
//
// Fault settings are global to the emulator: CMake runs this file with RUN_SERIAL, and every
// test restores "no faults" when it ends, even when it fails.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  GetStatementResultCommand,
  InternalServerException,
  ListDatabasesCommand,
  ListSchemasCommand,
} from '@aws-sdk/client-redshift-data';
import { makeClient, rejectsWith, runOk, runSql, target } from './lib/client.mjs';
import { clearFaults, getStats, health, resetStats, setFaults } from './lib/emulator.mjs';
import { stack } from './lib/env.mjs';

const clients = [];

function client(overrides = {}) {
  const c = makeClient(overrides);
  clients.push(c);
  return c;
}

before(clearFaults);
afterEach(clearFaults);
after(async () => {
  await clearFaults();
  for (const c of clients) c.destroy();
});

// Counter differences between two /_emulator/stats snapshots.
function delta(before, after, group, key) {
  return (after[group]?.[key] ?? 0) - (before[group]?.[key] ?? 0);
}

describe('throttling', () => {
  it('is retried up to maxAttempts, then ThrottlingException "Rate exceeded"', async () => {
    await setFaults({ 'throttle-rate': 1, 'fault-ops': 'ListDatabases' });
    const c = client({ maxAttempts: 3 });
    const s0 = await getStats();
    const err = await rejectsWith(c.send(new ListDatabasesCommand({ ...target })), {
      name: 'ThrottlingException',
      status: 400,
      message: 'Rate exceeded',
    });
    const s1 = await getStats();
    assert.equal(err.$metadata.attempts, 3);
    assert.equal(delta(s0, s1, 'calls', 'ListDatabases'), 3, 'the emulator saw every attempt');
    assert.equal(delta(s0, s1, 'faults', 'throttle'), 3);
  });

  it('fault-ops confines faults to the listed operations', async () => {
    await setFaults({ 'throttle-rate': 1, 'fault-ops': 'ListDatabases' });
    const out = await client({ maxAttempts: 3 }).send(new ListSchemasCommand({ ...target }));
    assert.equal(out.$metadata.attempts, 1);
    assert.ok(out.Schemas.includes('public'));
  });

  it('is never applied to a request that failed authentication', async () => {
    await setFaults({ 'throttle-rate': 1 });
    const c = client({
      credentials: { ...stack.credentials, secretAccessKey: 'not-the-secret' },
    });
    const s0 = await getStats();
    await rejectsWith(c.send(new ListDatabasesCommand({ ...target })), {
      name: 'InvalidSignatureException',
      status: 400,
    });
    const s1 = await getStats();
    assert.equal(delta(s0, s1, 'faults', 'throttle'), 0);
  });

  it('a 50% rate is absorbed by retries; every retry was one injected fault', async () => {
    await setFaults({ 'throttle-rate': 0.5, 'fault-ops': 'ListDatabases', 'fault-seed': 42 });
    const c = client({ maxAttempts: 10 });
    const s0 = await getStats();
    let retries = 0;
    for (let i = 0; i < 8; i++) {
      const out = await c.send(new ListDatabasesCommand({ ...target }));
      assert.ok(out.Databases.includes(stack.database));
      retries += out.$metadata.attempts - 1;
    }
    const s1 = await getStats();
    assert.ok(retries > 0, 'with p = 0.5 some of 8 calls must have been throttled');
    assert.equal(delta(s0, s1, 'faults', 'throttle'), retries);
    assert.equal(delta(s0, s1, 'calls', 'ListDatabases'), 8 + retries);
  });
});

describe('server errors', () => {
  it('5xx answers are retried up to maxAttempts, then surface', async () => {
    await setFaults({ 'error-rate': 1, 'fault-ops': 'ListDatabases' });
    const c = client({ maxAttempts: 3 });
    const s0 = await getStats();
    let err;
    try {
      await c.send(new ListDatabasesCommand({ ...target }));
    } catch (e) {
      err = e;
    }
    const s1 = await getStats();
    assert.ok(err, 'the call succeeded despite error-rate 1');
    // The emulator mixes 503 ServiceUnavailableException into its 500s.
    if (err.name === 'InternalServerException') {
      assert.ok(err instanceof InternalServerException);
      assert.equal(err.$metadata.httpStatusCode, 500);
    } else {
      assert.equal(err.name, 'ServiceUnavailableException', `${err.name}: ${err.message}`);
      assert.equal(err.$metadata.httpStatusCode, 503);
    }
    assert.equal(err.$metadata.attempts, 3);
    const injected =
      delta(s0, s1, 'faults', 'error500') + delta(s0, s1, 'faults', 'unavailable503');
    assert.equal(injected, 3);
  });
});

describe('dropped connections', () => {
  it('are retried as transport errors, then surface', async () => {
    await setFaults({ 'drop-rate': 1, 'fault-ops': 'ListDatabases' });
    const c = client({ maxAttempts: 2 });
    const s0 = await getStats();
    let err;
    try {
      await c.send(new ListDatabasesCommand({ ...target }));
    } catch (e) {
      err = e;
    }
    const s1 = await getStats();
    assert.ok(err, 'the call succeeded despite drop-rate 1');
    assert.equal(err.$metadata?.httpStatusCode, undefined, 'no HTTP answer at all');
    assert.ok(
      err.code === 'ECONNRESET' || /socket hang up/.test(err.message),
      `${err.name} ${err.code}: ${err.message}`,
    );
    assert.equal(err.$metadata.attempts, 2);
    assert.equal(delta(s0, s1, 'faults', 'drop'), 2);
  });
});

describe('slow answers', () => {
  it('latency-ms delays every answer of the listed operations', async () => {
    await setFaults({ 'latency-ms': 400, 'fault-ops': 'ListSchemas' });
    const c = client();
    const started = performance.now();
    const out = await c.send(new ListSchemasCommand({ ...target }));
    const ms = performance.now() - started;
    assert.ok(out.Schemas.includes('public'));
    assert.ok(ms >= 390, `answered after ${ms.toFixed(0)} ms with latency-ms 400`);
  });

  it('stall-ms stalls a result page mid-body; the SDK still gets the whole page', async () => {
    const c = client();
    const { id } = await runOk(
      c,
      'select g, md5(g::text) from generate_series(1, 2000) g order by g',
    );
    await setFaults({ 'stall-ms': 700, 'fault-ops': 'GetStatementResult' });
    const s0 = await getStats();
    const started = performance.now();
    const page = await c.send(new GetStatementResultCommand({ Id: id }));
    const ms = performance.now() - started;
    const s1 = await getStats();
    assert.ok(ms >= 690, `page answered after ${ms.toFixed(0)} ms with stall-ms 700`);
    assert.equal(page.$metadata.attempts, 1);
    assert.equal(page.Records.length, 2000);
    assert.deepEqual(page.Records[1999][0], { longValue: 2000 });
    assert.equal(delta(s0, s1, 'faults', 'stall'), 1);
  });
});

describe('control endpoints', () => {
  it('health answers {"ok":true}', async () => {
    assert.deepEqual(await health(), { ok: true });
  });

  it('stats count calls per operation and errors per __type; reset-stats zeroes them', async () => {
    const c = client();
    const s0 = await getStats();
    await c.send(new ListSchemasCommand({ ...target }));
    await rejectsWith(c.send(new ListSchemasCommand({ WorkgroupName: stack.workgroup })), {
      name: 'ValidationException',
      status: 400,
    });
    const s1 = await getStats();
    assert.equal(delta(s0, s1, 'calls', 'ListSchemas'), 2);
    assert.equal(delta(s0, s1, 'errors', 'ValidationException'), 1);
    await resetStats();
    const s2 = await getStats();
    assert.equal(s2.calls.total, 0, 'control endpoints are not counted as calls');
    assert.equal(s2.calls.ListSchemas, 0);
  });

  it('stats count statements by status and open sessions', async () => {
    const c = client();
    const s0 = await getStats();
    await runOk(c, 'select 1', { SessionKeepAliveSeconds: 30 });
    assert.equal((await runSql(c, 'select 1/0')).desc.Status, 'FAILED');
    const s1 = await getStats();
    assert.equal(delta(s0, s1, 'statements', 'FINISHED'), 1);
    assert.equal(delta(s0, s1, 'statements', 'FAILED'), 1);
    assert.equal(delta(s0, s1, 'sessions', 'open'), 1);
  });
});
