// SDK clients and the statement helpers every test file shares.

import assert from 'node:assert/strict';
import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { stack } from './env.mjs';

// Statement and session ids (model pattern, without the optional `:N` suffix).
export const UUID_RE = /^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}$/;
// x-amzn-RequestId as AWS sends it (a UUID; the case is not ours to decide).
export const REQUEST_ID_RE = /^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$/;

const TERMINAL = new Set(['FINISHED', 'FAILED', 'ABORTED']);

// maxAttempts 1 by default: an SDK retry would hide an emulator error (a 5xx the SDK retries
// until it happens to succeed). Tests of the retry behaviour pass their own maxAttempts.
export function makeClient(overrides = {}) {
  return new RedshiftDataClient({
    region: stack.region,
    endpoint: stack.url,
    // A copy: the SDK records on the credentials object where they came from ($source).
    credentials: { ...stack.credentials },
    maxAttempts: 1,
    ...overrides,
  });
}

// The members that name where a statement runs, as a serverless caller sends them.
export const target = Object.freeze({ WorkgroupName: stack.workgroup, Database: stack.database });

// Adds `target` unless the input already says where to run (a session, or a cluster).
export function withTarget(input) {
  if (input.SessionId !== undefined || input.ClusterIdentifier !== undefined) return input;
  return { ...target, ...input };
}

export function isTerminal(status) {
  return TERMINAL.has(status);
}

// Long-polls DescribeStatement until the statement is terminal; returns the last description.
export async function waitTerminal(client, id, { timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await client.send(new DescribeStatementCommand({ Id: id, WaitTimeSeconds: 10 }));
    if (isTerminal(d.Status)) return d;
    if (Date.now() > deadline) {
      assert.fail(`statement ${id} still ${d.Status} after ${timeoutMs} ms`);
    }
  }
}

// Polls DescribeStatement until the statement has reached `status` (e.g. STARTED: only a
// running statement can be cancelled). Returns the description.
export async function waitStatus(client, id, status, { timeoutMs = 5000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await client.send(new DescribeStatementCommand({ Id: id }));
    if (d.Status === status) return d;
    if (isTerminal(d.Status) || Date.now() > deadline) {
      assert.fail(`statement ${id} is ${d.Status}, waited for ${status}`);
    }
    await sleep(25);
  }
}

// Runs one statement to completion: ExecuteStatement with a long poll, then DescribeStatement
// (long-polling again while not terminal) for the full description. Returns { id, exec, desc }.
export async function runSql(client, sql, extra = {}) {
  const input = withTarget({ Sql: sql, WaitTimeSeconds: 30, ...extra });
  const exec = await client.send(new ExecuteStatementCommand(input));
  assert.match(exec.Id, UUID_RE);
  const desc = await waitTerminal(client, exec.Id);
  return { id: exec.Id, exec, desc };
}

// Like runSql, but the statement must finish; a failure shows the service's error text.
export async function runOk(client, sql, extra = {}) {
  const r = await runSql(client, sql, extra);
  assert.equal(r.desc.Status, 'FINISHED', `${sql}\n-> ${r.desc.Status}: ${r.desc.Error}`);
  return r;
}

// Every record of a finished statement, following NextToken by hand.
export async function fetchAllRecords(client, id) {
  const records = [];
  let token;
  do {
    const page = await client.send(new GetStatementResultCommand({ Id: id, NextToken: token }));
    records.push(...page.Records);
    token = page.NextToken;
  } while (token);
  return records;
}

// Runs a query and returns its rows as arrays of plain JS values (the Field union unwrapped).
export async function queryRows(client, sql, extra = {}) {
  const { id } = await runOk(client, sql, extra);
  return (await fetchAllRecords(client, id)).map((r) => r.map(fieldValue));
}

export function fieldValue(f) {
  if (f.isNull === true) return null;
  for (const k of ['longValue', 'doubleValue', 'booleanValue', 'stringValue', 'blobValue']) {
    if (f[k] !== undefined) return f[k];
  }
  assert.fail(`Field with no known member: ${JSON.stringify(f)}`);
}

// Awaits a promise that must reject with a Data API error; checks its class (a constructor the
// SDK exports) or its name (for errors the model lacks) and its HTTP status. Returns the error.
export async function rejectsWith(promise, { cls, name, status, message }) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected ${cls?.name ?? name}, but the call succeeded`);
  const what = `${err.name} (HTTP ${err.$metadata?.httpStatusCode}): ${err.message}`;
  if (cls) assert.ok(err instanceof cls, `expected instanceof ${cls.name}, got ${what}`);
  if (name) assert.equal(err.name, name, `expected ${name}, got ${what}`);
  if (status !== undefined) {
    const ok = Array.isArray(status) ? status : [status];
    assert.ok(ok.includes(err.$metadata?.httpStatusCode), `expected HTTP ${ok}, got ${what}`);
  }
  if (message instanceof RegExp) assert.match(err.message, message, what);
  else if (message !== undefined) assert.equal(err.message, message, what);
  return err;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
