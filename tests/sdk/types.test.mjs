// Value formats and ColumnMetadata per type, as AWS's SDK decodes them and as raw JSON text.
// Expected values: /work/shared/dataapi-types.md §1 (values) and §3 (metadata), copied into
// tests/sdk/README.md; DESIGN.md §5 for what the emulator sends where AWS is unknown.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetStatementResultCommand } from '@aws-sdk/client-redshift-data';
import { makeClient, runOk, runSql } from './lib/client.mjs';
import { runTag } from './lib/env.mjs';
import { rawCall } from './lib/raw.mjs';

const client = makeClient();

after(() => client.destroy());

// One column per case: [alias, SQL expression, expected Field, expected metadata].
// Metadata: [typeName, precision, scale, isSigned, isCaseSensitive].
const INT = (t, p) => [t, p, 0, true, false];
const TEXTLIKE = (t, p) => [t, p, 0, false, true];
const CASES = [
  ['i2', '32767::int2', { longValue: 32767 }, INT('int2', 5)],
  ['i4', '(-2147483648)::int4', { longValue: -2147483648 }, INT('int4', 10)],
  // The SDK reads longValue into a JS number (a double): 2^53 + 1 arrives as 2^53 and 2^63 - 1
  // as 2^63. The raw-body test below checks that the emulator sent the exact digits.
  ['i8_big', '9007199254740993::int8', { longValue: 2 ** 53 }, INT('int8', 19)],
  ['i8_min', '(-9223372036854775808)::int8', { longValue: -(2 ** 63) }, INT('int8', 19)],
  ['i8_max', '9223372036854775807::int8', { longValue: 2 ** 63 }, INT('int8', 19)],
  [
    'num',
    '12345678901234.567891::numeric(20,6)',
    { stringValue: '12345678901234.567891' },
    ['numeric', 20, 6, true, false],
  ],
  ['num_pad', '12.3::numeric(10,2)', { stringValue: '12.30' }, ['numeric', 10, 2, true, false]],
  ['f4', '0.1::float4', { doubleValue: 0.10000000149011612 }, ['float4', 8, 8, true, false]],
  ['f8', '0.1::float8', { doubleValue: 0.1 }, ['float8', 17, 17, true, false]],
  ['f8_big', '1e300::float8', { doubleValue: 1e300 }, ['float8', 17, 17, true, false]],
  ['f8_nan', "'NaN'::float8", { doubleValue: NaN }, ['float8', 17, 17, true, false]],
  ['f8_inf', "'Infinity'::float8", { doubleValue: Infinity }, ['float8', 17, 17, true, false]],
  ['f8_ninf', "'-Infinity'::float8", { doubleValue: -Infinity }, ['float8', 17, 17, true, false]],
  ['b_t', 'true', { booleanValue: true }, ['bool', 1, 0, false, false]],
  ['b_f', 'false', { booleanValue: false }, ['bool', 1, 0, false, false]],
  // JSON escaping: quote, backslash, tab, a 2-byte and a 4-byte UTF-8 character.
  [
    't',
    String.raw`E'h\u00e9llo "q" \\ \t \U0001F600'::text`,
    { stringValue: 'héllo "q" \\ \t 😀' },
    TEXTLIKE('text', 2147483647),
  ],
  ['vc', "'abc'::varchar(10)", { stringValue: 'abc' }, TEXTLIKE('varchar', 10)],
  ['bp', "'ab'::char(5)", { stringValue: 'ab   ' }, TEXTLIKE('bpchar', 5)],
  ['d', "'2024-06-12'::date", { stringValue: '2024-06-12' }, ['date', 13, 0, false, false]],
  ['tm', "'14:30:45'::time", { stringValue: '14:30:45' }, ['time', 15, 6, false, false]],
  [
    'ts',
    "'2024-06-12 14:30:45.123456'::timestamp",
    { stringValue: '2024-06-12 14:30:45.123456' },
    ['timestamp', 29, 6, false, false],
  ],
  [
    'ts0',
    "'2022-02-22 00:00:00'::timestamp",
    { stringValue: '2022-02-22 00:00:00.0' },
    ['timestamp', 29, 6, false, false],
  ],
  [
    'tstz',
    "'2024-06-12 14:30:45.123456-05:00'::timestamptz",
    { stringValue: '2024-06-12 19:30:45.123456+00' },
    ['timestamptz', 35, 6, false, false],
  ],
  [
    'ttz',
    "'14:30:45-05'::timetz",
    { stringValue: '14:30:45-05' },
    ['timetz', 21, 6, false, false],
  ],
  // Redshift's varbyte comes back base64 in stringValue; the emulator maps bytea onto it.
  ['by', String.raw`'\x616263'::bytea`, { stringValue: 'YWJj' }, TEXTLIKE('varbyte', 64000)],
  ['n_i4', 'null::int4', { isNull: true }, INT('int4', 10)],
  ['n_t', 'null::text', { isNull: true }, TEXTLIKE('text', 2147483647)],
  ['n_ts', 'null::timestamp', { isNull: true }, ['timestamp', 29, 6, false, false]],
  ['n_b', 'null::bool', { isNull: true }, ['bool', 1, 0, false, false]],
  ['n_f8', 'null::float8', { isNull: true }, ['float8', 17, 17, true, false]],
  ['n_num', 'null::numeric(10,2)', { isNull: true }, ['numeric', 10, 2, true, false]],
];

const SQL = `select ${CASES.map(([alias, expr]) => `${expr} as ${alias}`).join(', ')}`;

describe('one query returning every common type', () => {
  let id;
  let page;

  before(async () => {
    ({ id } = await runOk(client, SQL));
    page = await client.send(new GetStatementResultCommand({ Id: id }));
  });

  it('has one row and one column per case', () => {
    assert.equal(page.TotalNumRows, 1);
    assert.equal(page.Records.length, 1);
    assert.equal(page.Records[0].length, CASES.length);
    assert.deepEqual(
      page.ColumnMetadata.map((c) => c.name),
      CASES.map(([alias]) => alias),
    );
  });

  for (const [i, [alias, expr, field]] of CASES.entries()) {
    it(`value of ${alias} = ${expr}`, () => {
      // deepEqual compares NaN with NaN as equal (Object.is semantics).
      assert.deepEqual(page.Records[0][i], field);
    });
  }

  for (const [i, [alias, , , [typeName, precision, scale, isSigned, isCaseSensitive]]] of
    CASES.entries()) {
    it(`metadata of ${alias}: ${typeName}(${precision},${scale})`, () => {
      const c = page.ColumnMetadata[i];
      assert.deepEqual(
        {
          typeName: c.typeName,
          precision: c.precision,
          scale: c.scale,
          isSigned: c.isSigned,
          isCaseSensitive: c.isCaseSensitive,
        },
        { typeName, precision, scale, isSigned, isCaseSensitive },
      );
      // Common to every expression column (dataapi-types.md §3).
      assert.equal(c.name, alias);
      assert.equal(c.label, alias);
      assert.equal(c.length, 0);
      assert.equal(c.nullable, 1);
      assert.equal(c.isCurrency, false);
      assert.equal(c.schemaName, '');
      assert.equal(c.tableName, '');
    });
  }

  it('the raw JSON carries int8 digits exactly and special floats as strings', async () => {
    const res = await rawCall('GetStatementResult', { Id: id });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['content-type'], 'application/x-amz-json-1.1');
    assert.match(res.headers['x-amzn-requestid'] ?? '', /^[0-9a-fA-F-]{36}$/);
    const t = res.text;
    assert.match(t, /\{"longValue":\s*9007199254740993\s*\}/);
    assert.match(t, /\{"longValue":\s*-9223372036854775808\s*\}/);
    assert.match(t, /\{"longValue":\s*9223372036854775807\s*\}/);
    assert.match(t, /\{"doubleValue":\s*0\.10000000149011612\s*\}/);
    assert.match(t, /\{"doubleValue":\s*"NaN"\s*\}/);
    assert.match(t, /\{"doubleValue":\s*"Infinity"\s*\}/);
    assert.match(t, /\{"doubleValue":\s*"-Infinity"\s*\}/);
    assert.match(t, /\{"isNull":\s*true\s*\}/);
    // The SDK's view and the raw view agree on everything JSON can represent.
    assert.equal(res.json.Records[0].length, CASES.length);
  });
});

describe('columns of a table', () => {
  const table = `sdk_types_${runTag}`;

  before(async () => {
    await runOk(
      client,
      `create table ${table} (id int8 not null, name varchar(20) not null default 'x', ` +
        'price numeric(8,3), seen timestamptz, flag bool)',
    );
  });

  after(async () => {
    await runSql(client, `drop table if exists ${table}`);
  });

  it('report schema, table and NOT NULL in ColumnMetadata', async () => {
    await runOk(
      client,
      `insert into ${table} (id, name, price, seen, flag) ` +
        'values (:id, :name, :price, :seen, :flag)',
      {
        Parameters: [
          { name: 'id', value: '9007199254740993' },
          { name: 'name', value: 'widget' },
          { name: 'price', value: '12.5' },
          { name: 'seen', value: '2024-01-02 03:04:05+02' },
          { name: 'flag', value: 'true' },
        ],
      },
    );
    const { id } = await runOk(client, `select id, name, price, seen, flag from ${table}`);
    const page = await client.send(new GetStatementResultCommand({ Id: id }));
    assert.deepEqual(
      page.ColumnMetadata.map((c) => [
        c.name,
        c.typeName,
        c.precision,
        c.scale,
        c.nullable,
        c.schemaName,
        c.tableName,
      ]),
      [
        ['id', 'int8', 19, 0, 0, 'public', table],
        ['name', 'varchar', 20, 0, 0, 'public', table],
        ['price', 'numeric', 8, 3, 1, 'public', table],
        ['seen', 'timestamptz', 35, 6, 1, 'public', table],
        ['flag', 'bool', 1, 0, 1, 'public', table],
      ],
    );
    // Parameters are text, converted by the column types; timestamptz comes back in UTC.
    assert.deepEqual(page.Records, [
      [
        { longValue: 2 ** 53 }, // 9007199254740993 through a double
        { stringValue: 'widget' },
        { stringValue: '12.500' },
        { stringValue: '2024-01-02 01:04:05+00' },
        { booleanValue: true },
      ],
    ]);
    const raw = await rawCall('GetStatementResult', { Id: id });
    assert.match(raw.text, /\{"longValue":\s*9007199254740993\s*\}/);
  });
});

describe('types without an AWS capture: PostgreSQL text in stringValue', () => {
  it('interval, uuid, json and arrays', async () => {
    const { id } = await runOk(
      client,
      "select '1 day 02:03:04'::interval as iv, " +
        "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid as u, " +
        `'{"a": [1, 2]}'::json as j, array[1, 2, 3] as arr`,
    );
    const page = await client.send(new GetStatementResultCommand({ Id: id }));
    assert.deepEqual(page.Records, [
      [
        { stringValue: '1 day 02:03:04' },
        { stringValue: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' },
        { stringValue: '{"a": [1, 2]}' },
        { stringValue: '{1,2,3}' },
      ],
    ]);
    assert.deepEqual(
      page.ColumnMetadata.map((c) => c.typeName),
      ['interval', 'uuid', 'json', '_int4'],
    );
  });
});
