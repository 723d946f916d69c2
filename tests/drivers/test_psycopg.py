"""psycopg 3 (Debian python3-psycopg) through redwire. Its default cursor binds parameters on the
server (Parse/Bind/Describe/Execute/Sync); ClientCursor quotes them into a simple Query. Each test
is one scenario of tests/drivers/README.md."""

import datetime
import decimal

import psycopg
import pytest

import drivers_common as dc

DRIVER = "psycopg"
TABLE = f"drv_psycopg_items_{dc.target()}"

TYPES_SQL = dc.TYPES_SQL
TYPES_OIDS = dc.TYPES_OIDS
TYPES_ROW = (
    1, 2147483647, 9007199254740993, decimal.Decimal("12.34"), 0.5, 0.1, True, "ab ", "vc", "tx",
    datetime.date(2024, 6, 12), datetime.time(14, 30, 45, 500000),
    datetime.datetime(2024, 6, 12, 14, 30, 45, 123456),
    datetime.datetime(2024, 6, 12, 12, 30, 45, tzinfo=datetime.timezone.utc), b"\x00\xff", None)


@pytest.fixture
def conn():
    c = psycopg.connect(dc.libpq_dsn(application_name="redwire-drivers-psycopg"))
    yield c
    c.rollback()
    c.close()


@pytest.fixture
def items(conn):
    """A fresh table of 10 rows (created over the simple protocol), dropped afterwards."""
    cur = psycopg.ClientCursor(conn)
    cur.execute(f"drop table if exists {TABLE}")
    for sql in dc.items_sql(TABLE):
        cur.execute(sql)
    conn.commit()
    yield TABLE
    conn.rollback()
    psycopg.ClientCursor(conn).execute(f"drop table if exists {TABLE}")
    conn.commit()


def test_client_cursor():
    # Client-side binding: one simple Query per execute. In autocommit mode only: psycopg sends its
    # own BEGIN/COMMIT/ROLLBACK over the extended protocol.
    conn = psycopg.connect(dc.libpq_dsn(), autocommit=True, cursor_factory=psycopg.ClientCursor)
    cur = conn.cursor()
    cur.execute(TYPES_SQL)
    assert cur.fetchone() == TYPES_ROW
    assert [d.type_code for d in cur.description] == TYPES_OIDS
    cur.execute("select %s::int4 + 1, %s::text, %s::text is null", (41, "O'Reilly \u00e9", None))
    assert cur.fetchone() == (42, "O'Reilly \u00e9", True)
    with pytest.raises(psycopg.errors.UndefinedTable) as e:
        cur.execute("select * from drv_no_such_table")
    assert e.value.sqlstate == "42P01"
    assert conn.execute("select %s::text", ("still usable",)).fetchone() == ("still usable",)
    conn.close()


def test_server_params(conn):
    # Server-side binding: Parse with $n, Bind with text parameters, Describe portal, Execute.
    cur = conn.execute(
        "select %s::int4 + 1 as a, %s::text as b, %s::numeric as c, %s::text is null as d,"
        " %s::text = '' as e, %s::date as f, %s::int8 as g",
        (41, "O'Reilly \\ \u00e9\u20ac", decimal.Decimal("1.50"), None, "",
         datetime.date(2020, 2, 29), 9007199254740993))
    assert cur.fetchone() == (42, "O'Reilly \\ \u00e9\u20ac", decimal.Decimal("1.50"), True, True,
                              datetime.date(2020, 2, 29), 9007199254740993)
    assert [d.name for d in cur.description] == ["a", "b", "c", "d", "e", "f", "g"]
    assert [d.type_code for d in cur.description] == [23, 25, 1700, 16, 16, 1082, 20]


def test_parameter_status():
    # A SET of a reported setting comes back as ParameterStatus, in PostgreSQL's canonical
    # spelling whatever spelling the client used.
    conn = psycopg.connect(dc.libpq_dsn(), autocommit=True)
    try:
        for spelled, reported in (("'OFF'", "off"), ("'t'", "on"), ("false", "off"), ("On", "on")):
            conn.execute(f"set standard_conforming_strings = {spelled}")
            assert conn.info.parameter_status("standard_conforming_strings") == reported, spelled
        conn.execute("set application_name = 'drivers psycopg'")
        assert conn.info.parameter_status("application_name") == "drivers psycopg"
    finally:
        conn.close()


def test_types(conn):
    # The same statement over the extended protocol (no parameters), text results.
    cur = conn.execute(TYPES_SQL)
    assert [d.type_code for d in cur.description] == TYPES_OIDS
    assert cur.fetchone() == TYPES_ROW


def test_binary(conn):
    # Binary results: Bind asks for format 1 for every column.
    cur = conn.cursor(binary=True)
    cur.execute(TYPES_SQL)
    assert [d.type_code for d in cur.description] == TYPES_OIDS
    assert cur.fetchone() == TYPES_ROW
    cur.execute("select %s::int4 * 2, %s::float8, %s::bool", (21, 0.25, False), binary=True)
    assert cur.fetchone() == (42, 0.25, False)


def test_prepare(conn, items):
    # prepare=True: a named statement, Parse once, then Bind/Execute for every call.
    for i in (1, 5, 10):
        cur = conn.execute(f"select id, name, price from {items} where id = %s", (i,), prepare=True)
        assert cur.fetchall() == [(i, f"item {i}", decimal.Decimal(i) * decimal.Decimal("1.5"))]
    cur = conn.execute(f"select count(*) from {items} where id > %s", (3,), prepare=True)
    assert cur.fetchone() == (7,)


def test_executemany(conn, items):
    cur = conn.cursor()
    cur.executemany(f"insert into {items} (id, name, price) values (%s, %s, %s)",
                    [(100 + i, f"new {i}", decimal.Decimal(i)) for i in range(5)])
    assert cur.rowcount == 5
    cur.execute(f"select count(*), sum(price) from {items} where id >= 100")
    assert cur.fetchone() == (5, decimal.Decimal(10))
    conn.commit()


def test_errors(conn):
    with pytest.raises(psycopg.errors.UndefinedTable) as e:
        conn.execute("select * from drv_no_such_table where id = %s", (1,))
    assert e.value.sqlstate == "42P01"
    with pytest.raises(psycopg.errors.InFailedSqlTransaction):
        conn.execute("select %s::int4", (1,))
    conn.rollback()
    with pytest.raises(psycopg.errors.DivisionByZero) as e:
        conn.execute("select 1 / %s::int4", (0,))
    assert e.value.sqlstate == "22012"
    conn.rollback()
    with pytest.raises(psycopg.errors.UndefinedColumn) as e:
        conn.execute("select no_such_column from (select 1) t")
    assert e.value.sqlstate == "42703"
    conn.rollback()
    assert conn.execute("select %s::int4", (7,)).fetchone() == (7,)


def test_server_cursor(conn, items):
    # A named (server-side) cursor: DECLARE … CURSOR over the extended protocol, FETCH in batches.
    with conn.cursor(name="drv_scur") as cur:
        cur.itersize = 4
        cur.execute(f"select id, name from {items} where id > %s order by id", (2,))
        assert [d.type_code for d in cur.description] == [23, 1043]
        assert list(cur) == [(i, f"item {i}") for i in range(3, 11)]
    conn.commit()


def test_autocommit_transaction(conn, items):
    conn.autocommit = True
    with conn.transaction():
        conn.execute(f"update {items} set price = 0 where id = %s", (1,))
    with pytest.raises(ZeroDivisionError):
        with conn.transaction():
            conn.execute(f"update {items} set price = 0 where id = %s", (2,))
            raise ZeroDivisionError  # rolls the block back
    cur = conn.execute(f"select id from {items} where price = 0 order by id")
    assert cur.fetchall() == [(1,)]


def test_pipeline(conn, items):
    # Pipeline mode: many Parse/Bind/Describe/Execute before one Sync, answered in order.
    conn.autocommit = True
    with conn.pipeline():
        curs = [conn.execute(f"select name from {items} where id = %s", (i,)) for i in range(1, 6)]
        conn.execute(f"update {items} set price = %s where id = %s", (decimal.Decimal("0.01"), 1))
        last = conn.execute(f"select price from {items} where id = %s", (1,))
    assert [c.fetchone() for c in curs] == [(f"item {i}",) for i in range(1, 6)]
    assert last.fetchone() == (decimal.Decimal("0.01"),)


def test_cancel(conn):
    # connection.cancel() from another thread: a CancelRequest on a new socket with the key of
    # BackendKeyData; the running statement fails with 57014 and the connection stays usable.
    import threading
    import time

    conn.autocommit = True
    timer = threading.Timer(0.5, conn.cancel)
    timer.start()
    t0 = time.monotonic()
    with pytest.raises(psycopg.errors.QueryCanceled) as e:
        conn.execute("select pg_sleep(20)")
    assert e.value.sqlstate == "57014"
    assert time.monotonic() - t0 < 10
    timer.join()
    assert conn.execute("select %s::int4", (5,)).fetchone() == (5,)


def test_large_binary(conn):
    # 12 345 rows in binary over several Data API result pages.
    cur = conn.cursor(binary=True)
    cur.execute("select g, g::int8 * 1000000007, g * 0.25::float8, md5(g::text), date '2000-01-01' + g"
                " from generate_series(1, %s) g order by g", (12345,))
    n = 0
    for row in cur:
        n += 1
        assert row[:3] == (n, n * 1000000007, n * 0.25)
        assert row[4] == datetime.date(2000, 1, 1) + datetime.timedelta(days=n)
    assert n == 12345
    conn.commit()


def test_auto_prepare(conn):
    # psycopg prepares a query by itself once it has run prepare_threshold (5) times: the 6th and
    # later executions Bind/Execute a named statement.
    conn.prepare_threshold = 5
    for i in range(8):
        assert conn.execute("select %s::int4 * 3, %s::text", (i, f"run {i}")).fetchone() == (3 * i, f"run {i}")
    conn.commit()
