// Large results paged through the SDK's paginators: every row exactly once, in order.
// Prints the wall time of executing + fetching 100 000 rows (a figure the benchmarks quote).

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';
import {
  GetStatementResultCommand,
  paginateGetStatementResult,
  paginateGetStatementResultV2,
  ValidationException,
} from '@aws-sdk/client-redshift-data';
import { makeClient, rejectsWith, runOk } from './lib/client.mjs';

const client = makeClient();

after(() => client.destroy());

const N = 100_000;

// Expected row g of the 8-column query below, computed independently of PostgreSQL.
function expectedRow(g) {
  const day = new Date(Date.UTC(2024, 0, 1) + (g % 365) * 86_400_000).toISOString().slice(0, 10);
  // (g / 7) rounded half away from zero to 4 decimals, as numeric(12,4) does.
  const q = Math.floor((2 * g * 10_000 + 7) / 14);
  const frac = `${Math.floor(q / 10_000)}.${String(q % 10_000).padStart(4, '0')}`;
  return [
    { longValue: g },
    { longValue: g * 3 },
    { stringValue: `row ${g}` },
    { doubleValue: g * 0.5 },
    { booleanValue: g % 2 === 0 },
    { stringValue: day },
    { stringValue: createHash('md5').update(String(g)).digest('hex') },
    { stringValue: frac },
  ];
}

const SQL8 =
  'select g as n, g::int8 * 3 as n3, \'row \' || g as label, g * 0.5::float8 as half, ' +
  "(g % 2 = 0) as even, date '2024-01-01' + (g % 365) as day, md5(g::text) as hash, " +
  `(g::numeric / 7)::numeric(12,4) as frac from generate_series(1, ${N}) g order by g`;

describe('GetStatementResult paging', () => {
  it(`${N} rows x 8 columns: several pages, every row once and in order`, async (t) => {
    const started = performance.now();
    const { id, desc } = await runOk(client, SQL8);
    const executed = performance.now();
    assert.equal(desc.HasResultSet, true);
    assert.equal(desc.ResultRows, N);

    let next = 1;
    let pages = 0;
    for await (const page of paginateGetStatementResult({ client }, { Id: id })) {
      pages += 1;
      assert.equal(page.TotalNumRows, N, `TotalNumRows of page ${pages}`);
      // The emulator repeats ColumnMetadata on every page (its README; AWS: not documented).
      assert.deepEqual(
        page.ColumnMetadata?.map((c) => c.name),
        ['n', 'n3', 'label', 'half', 'even', 'day', 'hash', 'frac'],
        `ColumnMetadata of page ${pages}`,
      );
      for (const record of page.Records) {
        // Full comparison of every 97th row keeps the check cheap; n is checked on every row.
        assert.equal(record[0].longValue, next, `row ${next} (page ${pages})`);
        if (next % 97 === 1 || next === N) assert.deepEqual(record, expectedRow(next));
        next += 1;
      }
    }
    const fetched = performance.now();
    assert.equal(next - 1, N, 'rows received');
    assert.ok(pages >= 2, `${N} rows came in ${pages} page(s)`);
    t.diagnostic(
      `paging ${N} rows x 8 cols through the SDK: execute ${(executed - started).toFixed(0)} ms, ` +
        `fetch ${pages} pages ${(fetched - executed).toFixed(0)} ms, ` +
        `total ${(fetched - started).toFixed(0)} ms ` +
        `(${Math.round(N / ((fetched - started) / 1000))} rows/s)`,
    );
  });

  it('a garbage NextToken is a ValidationException', async () => {
    const { id } = await runOk(client, 'select 1');
    await rejectsWith(
      client.send(new GetStatementResultCommand({ Id: id, NextToken: 'not-a-token' })),
      { cls: ValidationException, status: 400 },
    );
  });

  it("a NextToken of another statement's result is a ValidationException", async () => {
    const big = await runOk(client, 'select g from generate_series(1, 200000) g');
    const first = await client.send(new GetStatementResultCommand({ Id: big.id }));
    assert.ok(first.NextToken, '200 000 rows must not fit one page');
    const small = await runOk(client, 'select 1');
    await rejectsWith(
      client.send(new GetStatementResultCommand({ Id: small.id, NextToken: first.NextToken })),
      { cls: ValidationException, status: 400 },
    );
  });
});

describe('GetStatementResultV2 paging (CSV)', () => {
  it('20 000 rows: header first, every data row once and in order', async () => {
    const rows = 20_000;
    const sql = `select g as n from generate_series(1, ${rows}) g order by g`;
    const { id } = await runOk(client, sql, { ResultFormat: 'CSV' });
    let csv = '';
    for await (const page of paginateGetStatementResultV2({ client }, { Id: id })) {
      assert.equal(page.TotalNumRows, rows);
      for (const r of page.Records) csv += r.CSVRecords;
    }
    assert.ok(csv.startsWith('n\r\n'), 'the first row is the header');
    assert.ok(csv.endsWith('\r\n'), 'the last row ends with CRLF too');
    // Whether later pages repeat the header is undocumented: accept it, but nowhere else.
    const data = csv.split('\r\n').slice(0, -1).filter((line) => line !== 'n');
    assert.equal(data.length, rows);
    data.forEach((line, i) => assert.equal(line, String(i + 1)));
  });
});

// The emulator's canned results (tests/emulator/README.md): generated without PostgreSQL, for
// benchmarks that must isolate redwire. The SDK must page them like any result.
describe('canned results', () => {
  it(`redwire_canned(${N}, 'four'): int4, 32-char text, float8, timestamptz`, async (t) => {
    const started = performance.now();
    const { id, desc } = await runOk(client, `select * from redwire_canned(${N}, 'four')`);
    assert.equal(desc.HasResultSet, true);
    let count = 0;
    let pages = 0;
    for await (const page of paginateGetStatementResult({ client }, { Id: id })) {
      pages += 1;
      assert.equal(page.TotalNumRows, N);
      if (pages === 1) {
        assert.deepEqual(
          page.ColumnMetadata.map((c) => c.typeName),
          ['int4', 'text', 'float8', 'timestamptz'],
        );
      }
      for (const r of page.Records) {
        assert.equal(r.length, 4);
        assert.equal(typeof r[0].longValue, 'number');
        assert.equal(r[1].stringValue?.length, 32, `text of row ${count + 1}`);
        assert.equal(typeof r[2].doubleValue, 'number');
        assert.match(r[3].stringValue, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00$/);
        count += 1;
      }
    }
    const ms = performance.now() - started;
    assert.equal(count, N);
    assert.ok(pages >= 2, `${pages} page(s)`);
    t.diagnostic(`canned ${N} rows x 4 cols through the SDK: ${ms.toFixed(0)} ms, ${pages} pages`);
  });

  it('is case-insensitive and whitespace-tolerant, and deterministic', async () => {
    const a = await runOk(client, "SELECT  *  FROM  REDWIRE_CANNED( 3 ,  'narrow' )");
    const b = await runOk(client, "select * from redwire_canned(3, 'narrow')");
    const pa = await client.send(new GetStatementResultCommand({ Id: a.id }));
    const pb = await client.send(new GetStatementResultCommand({ Id: b.id }));
    assert.equal(pa.TotalNumRows, 3);
    assert.deepEqual(
      pa.ColumnMetadata.map((c) => c.typeName),
      ['int4'],
    );
    assert.deepEqual(pa.Records, pb.Records);
  });

  it("'wide' has 20 columns and some NULLs", async () => {
    const { id } = await runOk(client, "select * from redwire_canned(50, 'wide')");
    const page = await client.send(new GetStatementResultCommand({ Id: id }));
    assert.equal(page.ColumnMetadata.length, 20);
    assert.equal(page.Records.length, 50);
    assert.ok(page.Records.every((r) => r.length === 20));
    assert.ok(page.Records.some((r) => r.some((f) => f.isNull === true)), 'no NULL in 50 rows');
  });
});
