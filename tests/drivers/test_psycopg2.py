"""psycopg2 (Debian python3-psycopg2) through redwire: client-side binding over simple Query, the
driver's default. Each test is one scenario of tests/drivers/README.md."""

import datetime
import decimal

import psycopg2
import psycopg2.errorcodes
import psycopg2.extras
import pytest

import drivers_common as dc

DRIVER = "psycopg2"
TABLE = f"drv_psycopg2_items_{dc.target()}"


@pytest.fixture
def conn():
    c = psycopg2.connect(dc.libpq_dsn(application_name="redwire-drivers-psycopg2"))
    yield c
    # End the transaction psycopg2 opened before closing, as an application should: the
    # disconnect without it is its own scenario below.
    c.rollback()
    c.close()


@pytest.fixture
def items(conn):
    """A fresh table of 10 rows, dropped afterwards."""
    cur = conn.cursor()
    cur.execute(f"drop table if exists {TABLE}")
    for sql in dc.items_sql(TABLE):
        cur.execute(sql)
    conn.commit()
    yield TABLE
    conn.rollback()
    cur = conn.cursor()
    cur.execute(f"drop table if exists {TABLE}")
    conn.commit()


def test_simple_select(conn):
    cur = conn.cursor()
    cur.execute("select 1 as a, 'x'::text as b")
    assert cur.fetchall() == [(1, "x")]
    assert [(d.name, d.type_code) for d in cur.description] == [("a", 23), ("b", 25)]


def test_types(conn):
    cur = conn.cursor()
    cur.execute(dc.TYPES_SQL)
    row = cur.fetchone()
    assert [d.type_code for d in cur.description] == dc.TYPES_OIDS
    assert row[:14] == (
        1, 2147483647, 9007199254740993, decimal.Decimal("12.34"), 0.5, 0.1, True, "ab ", "vc",
        "tx", datetime.date(2024, 6, 12), datetime.time(14, 30, 45, 500000),
        datetime.datetime(2024, 6, 12, 14, 30, 45, 123456),
        datetime.datetime(2024, 6, 12, 12, 30, 45, tzinfo=datetime.timezone.utc))
    assert bytes(row[14]) == b"\x00\xff"
    assert row[15] is None


def test_params(conn):
    # psycopg2 quotes the parameters into the SQL text itself (client-side binding).
    cur = conn.cursor()
    cur.execute(
        "select %s::int4 + 1, %s::text, %s::numeric, %s::text is null, %s::text, %s::date",
        (41, "O'Reilly \\ \u00e9\u20ac", decimal.Decimal("1.50"), None, "", datetime.date(2020, 2, 29)))
    assert cur.fetchone() == (42, "O'Reilly \\ \u00e9\u20ac", decimal.Decimal("1.50"), True, "",
                              datetime.date(2020, 2, 29))


def test_errors(conn):
    cur = conn.cursor()
    with pytest.raises(psycopg2.errors.UndefinedTable) as e:
        cur.execute("select * from drv_no_such_table")
    assert e.value.pgcode == "42P01"
    # psycopg2 opened a transaction (autocommit off): it is aborted until rollback.
    with pytest.raises(psycopg2.errors.InFailedSqlTransaction) as e:
        cur.execute("select 1")
    assert e.value.pgcode == "25P02"
    conn.rollback()
    with pytest.raises(psycopg2.errors.DivisionByZero) as e:
        cur.execute("select 1/0")
    assert e.value.pgcode == "22012"
    conn.rollback()
    with pytest.raises(psycopg2.errors.SyntaxError) as e:
        cur.execute("selec 1")
    assert e.value.pgcode == "42601"
    conn.rollback()
    cur.execute("select 2")
    assert cur.fetchone() == (2,)


def test_transaction(conn, items):
    cur = conn.cursor()
    cur.execute(f"delete from {items} where id <= 5")
    assert cur.rowcount == 5
    conn.rollback()
    cur.execute(f"select count(*) from {items}")
    assert cur.fetchone() == (10,)
    cur.execute(f"update {items} set price = price + 1 where id = 1")
    assert cur.rowcount == 1
    conn.commit()
    # Another connection (another Data API session) sees the committed row.
    other = psycopg2.connect(dc.libpq_dsn())
    try:
        c2 = other.cursor()
        c2.execute(f"select price from {items} where id = 1")
        assert c2.fetchone() == (decimal.Decimal("2.50"),)
        other.rollback()
    finally:
        other.close()


def test_executemany(conn, items):
    cur = conn.cursor()
    cur.executemany(f"insert into {items} (id, name, price) values (%s, %s, %s)",
                    [(100 + i, f"new {i}", decimal.Decimal(i)) for i in range(5)])
    assert cur.rowcount == 5
    psycopg2.extras.execute_values(cur, f"insert into {items} (id, name) values %s",
                                   [(200 + i, f"v{i}") for i in range(20)])
    cur.execute(f"select count(*), sum(id) from {items} where id >= 100")
    assert cur.fetchone() == (25, sum(100 + i for i in range(5)) + sum(200 + i for i in range(20)))
    conn.commit()


def test_named_cursor(conn, items):
    # A named cursor is DECLARE … CURSOR WITHOUT HOLD plus FETCH FORWARD itersize inside the
    # transaction psycopg2 opens.
    cur = conn.cursor(name="drv_cur")
    cur.itersize = 3
    cur.execute(f"select id, name from {items} order by id")
    rows = list(cur)
    assert rows == [(i, f"item {i}") for i in range(1, 11)]
    cur.close()
    conn.commit()


def test_autocommit_set_show(conn):
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("set search_path to public")
    cur.execute("show search_path")
    assert cur.fetchone() == ("public",)
    cur.execute("select current_setting('search_path')")
    assert cur.fetchone() == ("public",)


def test_disconnect_in_transaction(conn):
    # A client that goes away inside a transaction must not leave it open: PostgreSQL rolls it back
    # and releases its locks at once.
    table = f"drv_psycopg2_disconnect_{dc.target()}"
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("set lock_timeout = '10s'")
    cur.execute(f"drop table if exists {table}")
    cur.execute(f"create table {table} (id int4)")
    a = psycopg2.connect(dc.libpq_dsn())
    a.cursor().execute(f"select * from {table}")  # psycopg2 opened a transaction: AccessShareLock
    a.close()
    cur.execute(f"drop table {table}")  # needs AccessExclusiveLock: 55P03 after 10 s if A's lock stays


def test_large_named_cursor(conn):
    # 12 345 rows through FETCH FORWARD 2000: each FETCH is its own statement on the session,
    # and the cursor's rows cross the Data API's result pages.
    cur = conn.cursor(name="drv_big")
    cur.itersize = 2000
    cur.execute("select g, repeat('x', g % 50) from generate_series(1, 12345) g order by g")
    n = 0
    for g, s in cur:
        n += 1
        assert (g, s) == (n, "x" * (n % 50))
    assert n == 12345
    cur.close()
    conn.commit()
