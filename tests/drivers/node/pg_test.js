#!/usr/bin/env node
// node-postgres (`pg` from npm, pinned by package-lock.json) through redwire. Queries without
// values go out as simple Query; with values (or a name) as Parse/Bind/Describe/Execute/Sync.
// REDWIRE_TEST_TARGET=direct runs the same scenarios on the PostgreSQL behind the emulator.
// Scenarios listed in ../known-failures must fail on redwire (strict); anything else must pass.
'use strict';

const fs = require('fs');
const path = require('path');
const assert = require('assert/strict');
const pg = require('pg');

const target = process.env.REDWIRE_TEST_TARGET || 'redwire';
if (target !== 'redwire' && target !== 'direct') {
  throw new Error('REDWIRE_TEST_TARGET must be redwire or direct');
}
const table = `drv_node_items_${target}`;

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`$${name} is not set: run under tests/with-stack-env`);
  return v;
}

function config() {
  const common = { connectionTimeoutMillis: 10000, application_name: 'redwire-drivers-node' };
  if (target === 'redwire') {
    return {
      ...common,
      host: need('REDWIRE_HOST'),
      port: Number(need('REDWIRE_PORT')),
      user: need('AWS_ACCESS_KEY_ID'),
      password: need('AWS_SECRET_ACCESS_KEY'),
      database: 'dev',
    };
  }
  return {
    ...common,
    host: need('PGHOST_DIRECT'),
    port: Number(need('PGPORT_DIRECT')),
    user: need('PGUSER_DIRECT'),
    database: need('PGDATABASE_DIRECT'),
    // The emulator's sessions: UTC, ISO/MDY.
    options: '-c TimeZone=UTC -c DateStyle=ISO,MDY',
  };
}

async function withClient(fn) {
  const c = new pg.Client(config());
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function expectCode(code, promise) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.code, code, `SQLSTATE of "${e.message}"`);
    return true;
  });
}

async function createTable(c) {
  await c.query(`drop table if exists ${table}`);
  await c.query(`create table ${table} (id int4 primary key, name varchar(20), price numeric(10,2))`);
  await c.query(`insert into ${table} select g, 'item ' || g, g * 1.5 from generate_series(1, 10) g`);
}

const TYPES_SQL =
  "select 1::int2 as i2, 2147483647::int4 as i4, 9007199254740993::int8 as i8," +
  " 12.34::numeric(10,2) as n, 0.5::float4 as f4, 0.1::float8 as f8, true as b," +
  " 'ab'::char(3) as c3, 'vc'::varchar(10) as vc, 'tx'::text as t," +
  " date '2024-06-12' as d, time '14:30:45.5' as tm," +
  " timestamp '2024-06-12 14:30:45.123456' as ts," +
  " timestamptz '2024-06-12 14:30:45+02' as tstz, '\\x00ff'::bytea as by, null::int4 as nul";
const TYPES_OIDS = [21, 23, 20, 1700, 700, 701, 16, 1042, 1043, 25, 1082, 1083, 1114, 1184, 17, 23];

function checkTypes(res) {
  assert.deepEqual(res.fields.map((f) => f.dataTypeID), TYPES_OIDS, 'type OIDs');
  const r = res.rows[0];
  // pg's defaults: int8 and numeric as strings, timestamp (no zone) in the process's zone (UTC).
  assert.deepEqual(
    [r.i2, r.i4, r.i8, r.n, r.f4, r.f8, r.b, r.c3, r.vc, r.t, r.tm, r.nul],
    [1, 2147483647, '9007199254740993', '12.34', 0.5, 0.1, true, 'ab ', 'vc', 'tx', '14:30:45.5', null]);
  assert.equal(r.d.toISOString(), '2024-06-12T00:00:00.000Z');
  assert.equal(r.ts.toISOString(), '2024-06-12T14:30:45.123Z');
  assert.equal(r.tstz.toISOString(), '2024-06-12T12:30:45.000Z');
  assert.deepEqual([...r.by], [0, 255]);
}

const scenarios = {
  async simple_query() {
    await withClient(async (c) => {
      checkTypes(await c.query(TYPES_SQL));
      // Two statements in one simple Query: one result each.
      const multi = await c.query('select 1 as a; select 2 as b');
      assert.deepEqual(multi.map((r) => r.rows), [[{ a: 1 }], [{ b: 2 }]]);
    });
  },

  async params() {
    await withClient(async (c) => {
      const res = await c.query(
        "select $1::int4 + 1 as a, $2::text as b, $3::text is null as c, $4::text = '' as d," +
          ' $5::numeric as e, $6::int8 as f, $7::bool as g',
        [41, "O'Reilly \\ \u00e9\u20ac", null, '', '1.50', '9007199254740993', false]);
      assert.deepEqual(res.rows, [
        { a: 42, b: "O'Reilly \\ \u00e9\u20ac", c: true, d: true, e: '1.50', f: '9007199254740993', g: false },
      ]);
      assert.deepEqual(res.fields.map((f) => f.dataTypeID), [23, 25, 16, 16, 1700, 20, 16]);
      // The types statement over the extended protocol.
      checkTypes(await c.query({ text: TYPES_SQL, values: [] }));
    });
  },

  async prepared() {
    // A named statement: Parse once, then Bind/Execute on every call.
    await withClient(async (c) => {
      await createTable(c);
      for (const id of [1, 5, 10]) {
        const res = await c.query({ name: 'drv_by_id', text: `select id, name, price from ${table} where id = $1`, values: [id] });
        assert.deepEqual(res.rows, [{ id, name: `item ${id}`, price: (id * 1.5).toFixed(2) }]);
      }
      const rows = await c.query({ name: 'drv_by_id_array', text: `select id from ${table} where id > $1 order by id`, values: [7], rowMode: 'array' });
      assert.deepEqual(rows.rows, [[8], [9], [10]]);
    });
  },

  async errors() {
    await withClient(async (c) => {
      await expectCode('42P01', c.query('select * from drv_no_such_table'));
      await expectCode('42P01', c.query('select * from drv_no_such_table where id = $1', [1]));
      await expectCode('22012', c.query('select 10 / $1::int4', [0]));
      await expectCode('42601', c.query('selec $1', [1]));
      await expectCode('22P02', c.query('select $1::int4', ['not a number']));
      assert.deepEqual((await c.query('select $1::int4 as v', [3])).rows, [{ v: 3 }]);
    });
  },

  async transaction() {
    await withClient(async (c) => {
      await createTable(c);
      await c.query('begin');
      const del = await c.query(`delete from ${table} where id <= $1`, [5]);
      assert.equal(del.rowCount, 5);
      await c.query('rollback');
      assert.equal((await c.query(`select count(*)::int4 as n from ${table}`)).rows[0].n, 10);
      await c.query('begin');
      await c.query(`update ${table} set price = $1 where id = $2`, ['99', 1]);
      await expectCode('42P01', c.query('select * from drv_no_such_table'));
      await expectCode('25P02', c.query('select $1::int4', [1]));
      await c.query('rollback');
      const ins = await c.query(`insert into ${table} (id, name) values ($1, $2), ($3, $4)`, [100, 'a', 101, 'b']);
      assert.equal(ins.rowCount, 2);
      assert.equal(ins.command, 'INSERT');
      assert.equal((await c.query(`select price from ${table} where id = 1`)).rows[0].price, '1.50');
      await c.query(`drop table ${table}`);
    });
  },

  // Grafana's PostgreSQL data source (a Go driver speaking the extended protocol for every query):
  // its version probe and the table and column pickers' queries, as its query builder writes them.
  async 'grafana:pickers'() {
    await withClient(async (c) => {
      await createTable(c);
      const ext = (text) => c.query({ text, values: [] });
      const version = await ext("SELECT current_setting('server_version_num')::int/100 as version");
      assert.ok(version.rows[0].version >= 800, `version ${version.rows[0].version}`);
      assert.equal((await ext("SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'")).rowCount, 0);
      const inSearchPath =
        "quote_ident(table_schema) IN (SELECT CASE WHEN trim(s[i]) = '\"$user\"' THEN user ELSE trim(s[i]) END" +
        " FROM generate_series(array_lower(string_to_array(current_setting('search_path'),','),1)," +
        " array_upper(string_to_array(current_setting('search_path'),','),1)) as i," +
        " string_to_array(current_setting('search_path'),',') s)";
      const tables = await ext(
        'select quote_ident(table_name) as "table" from information_schema.tables' +
          " where quote_ident(table_schema) not in ('information_schema', 'pg_catalog'," +
          " '_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_internal', '_timescaledb_config'," +
          " 'timescaledb_information', 'timescaledb_experimental') and " + inSearchPath);
      assert.ok(tables.rows.some((r) => r.table === table), `${table} among ${JSON.stringify(tables.rows)}`);
      const cols = await ext(
        'select quote_ident(column_name) as "column", data_type as "type" from information_schema.columns' +
          ` where quote_ident(table_name) = '${table}' and ` + inSearchPath + ' order by ordinal_position');
      assert.deepEqual(cols.rows, [
        { column: 'id', type: 'integer' },
        { column: 'name', type: 'character varying' },
        { column: 'price', type: 'numeric' },
      ]);
      // A panel's time-series query with Grafana's macros expanded.
      const panel = await c.query(
        'SELECT $1::timestamptz + (id || \' minutes\')::interval AS "time", price AS value FROM ' + table +
          ' WHERE id BETWEEN $2 AND $3 ORDER BY 1',
        ['2024-06-12T00:00:00Z', 2, 4]);
      assert.deepEqual(panel.rows.map((r) => [r.time.toISOString(), r.value]), [
        ['2024-06-12T00:02:00.000Z', '3.00'],
        ['2024-06-12T00:03:00.000Z', '4.50'],
        ['2024-06-12T00:04:00.000Z', '6.00'],
      ]);
      await c.query(`drop table ${table}`);
    });
  },

  async pool() {
    // Several connections at once, each query parameterized.
    const pool = new pg.Pool({ ...config(), max: 4 });
    try {
      const res = await Promise.all(
        [...Array(8).keys()].map((i) => pool.query('select $1::int4 * 2 as v, pg_sleep(0.05)::text as s', [i])));
      assert.deepEqual(res.map((r) => r.rows[0].v), [0, 2, 4, 6, 8, 10, 12, 14]);
    } finally {
      await pool.end();
    }
  },
};

function knownFailures() {
  const out = new Map();
  const file = process.argv[2] || path.join(__dirname, '..', 'known-failures');
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const l = line.replace(/#.*/, '').trim();
    if (!l) continue;
    const [driver, scenario, ...reason] = l.split(/\s+/);
    out.set(`${driver} ${scenario}`, reason.join(' ') || 'listed in known-failures');
  }
  return out;
}

async function main() {
  const known = knownFailures();
  let passed = 0;
  let unexpected = 0;
  let xfailed = 0;
  for (const [key, fn] of Object.entries(scenarios)) {
    // "tool:scenario" names a tool's replay through node-postgres.
    const [driver, name] = key.includes(':') ? key.split(':') : ['node-postgres', key];
    const reason = target === 'redwire' ? known.get(`${driver} ${name}`) : undefined;
    let outcome = 'pass';
    let detail = '';
    try {
      await fn();
    } catch (e) {
      outcome = 'fail';
      detail = e.stack || String(e);
    }
    if (process.env.REDWIRE_DRIVERS_RESULTS) {
      fs.appendFileSync(process.env.REDWIRE_DRIVERS_RESULTS, `${driver}\t${name}\t${target}\t${outcome}\n`);
    }
    if (reason === undefined && outcome === 'pass') {
      passed++;
      console.log(`ok: ${driver} ${name}`);
    } else if (reason === undefined) {
      unexpected++;
      console.log(`FAIL: ${driver} ${name}: ${detail}`);
    } else if (outcome === 'fail') {
      xfailed++;
      console.log(`xfail: ${driver} ${name} (${reason}): ${detail.split('\n')[0]}`);
    } else {
      unexpected++;
      console.log(`XPASS: ${driver} ${name} passes: remove it from known-failures`);
    }
  }
  console.log(`${passed} passed, ${unexpected} failed, ${xfailed} skipped`);
  process.exitCode = unexpected === 0 ? 0 : 1;
}

main();
