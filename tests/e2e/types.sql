-- e2e_types: every type the emulator maps, printed by `psql -X -A` through redwire and directly
-- on PostgreSQL; the two outputs must be byte-identical. psql sends each statement of this file as
-- its own Query, so every statement is one result set with its own header and footer.

-- Integers: the extremes, and int8 beyond 2^53 (a double would print ...992).
select * from (values
  (1::int2, 1::int4, 9007199254740993::int8),
  ((-32768)::int2, (-2147483648)::int4, (-9223372036854775808)::int8),
  (32767::int2, 2147483647::int4, 9223372036854775807::int8),
  (0::int2, -1::int4, -9007199254740993::int8),
  (null::int2, null::int4, null::int8)
) as t(i2, i4, i8);

-- numeric at several scales, NaN, huge and tiny values.
select 12.34::numeric(10, 4) as n4, 0::numeric(5, 2) as n2, 'NaN'::numeric as nan,
       123456789012345678901234567890.123456789::numeric as big,
       -0.000000000000000000001::numeric as tiny, 42::numeric(38, 0) as n0,
       -1.5::numeric(3, 1) as neg, null::numeric as nul;

-- float4: PostgreSQL prints the shortest text that reads back as the same float32.
select * from (values
  (0.1::float4), (1e+06::float4), (123.456789::float4), (-3.4028235e+38::float4),
  (1.4e-45::float4), ('NaN'::float4), ('Infinity'::float4), ('-0'::float4), (null::float4)
) as t(f4);

-- float8: shortest round-trip text, exponents, the smallest subnormal, -0 and the specials.
select * from (values
  (0.1::float8), (1e+300::float8), (5e-324::float8), (1e-05::float8),
  (123456789012345678::float8), ('-0'::float8), ('NaN'::float8), ('Infinity'::float8),
  ('-Infinity'::float8), (1.7976931348623157e+308::float8), (100::float8), (null::float8)
) as t(f8);

-- bool and the character types (char(5) keeps its padding).
select * from (values
  (true, 'text'::text, 'varchar'::varchar(20), 'ab'::char(5)),
  (false, ''::text, ''::varchar, ''::char(5)),
  (null::bool, null::text, null::varchar, null::char(5))
) as t(b, t, vc, c5);

-- Dates and times, with and without fractions.
select * from (values
  ('2024-06-12'::date, '14:30:45'::time, '14:30:45+02'::timetz,
   '2024-06-12 14:30:45'::timestamp, '2024-06-12 14:30:45.123456+05:30'::timestamptz),
  ('1999-12-31'::date, '00:00:00.5'::time, '23:59:59.999999-07'::timetz,
   '2024-06-12 14:30:45.1'::timestamp, '2000-01-01 00:00:00+00'::timestamptz),
  ('0001-01-01'::date, '23:59:59.000001'::time, '00:00:00+00'::timetz,
   '1970-01-01 00:00:00.000001'::timestamp, '2024-02-29 12:00:00.5-08'::timestamptz),
  (null::date, null::time, null::timetz, null::timestamp, null::timestamptz)
) as t(d, tm, ttz, ts, tstz);

-- interval, uuid, json, bytea (including empty).
select * from (values
  ('1 year 2 mons 3 days 04:05:06.5'::interval, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid,
   '{"a": [1, 2.5, "x"], "b": null}'::json, '\x0102ff'::bytea),
  ('-1 days'::interval, '00000000-0000-0000-0000-000000000000'::uuid, '[]'::json, ''::bytea),
  ('00:00:00.000001'::interval, null::uuid, '"str"'::json, '\xdeadbeef00'::bytea),
  (null::interval, null::uuid, null::json, null::bytea)
) as t(iv, u, j, by);

-- Unicode, quotes, newline, tab and backslash inside text values.
select * from (values
  (1, 'héllo wörld ✓ 日本語 🙂'),
  (2, E'it''s "quoted"\nsecond line\tafter a tab \\ backslash'),
  (3, E'trailing spaces   '),
  (4, null)
) as t(id, s);

-- NULLs of several types in one row.
select null::int4 as i, null::text as t, null::date as d, null::bool as b, null::float8 as f,
       null::numeric as n, null::timestamptz as tz, null::bytea as by, null::uuid as u;

-- Many rows of mixed types.
select g as id, g::int8 * 1000000007 as big, (g / 7.0)::numeric(12, 5) as ratio,
       (g * 0.1)::float8 as f8, (g * 0.1)::float4 as f4, g % 2 = 0 as even,
       md5(g::text) as hash, date '2024-01-01' + g as day,
       timestamp '2024-01-01 00:00:00' + g * interval '1.5 second' as ts
from generate_series(1, 40) as g;
