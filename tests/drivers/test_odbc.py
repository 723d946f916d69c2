"""psqlODBC (Debian odbc-postgresql, "PostgreSQL Unicode") through unixODBC, driven by pyodbc
(python3-pyodbc). UseServerSidePrepare=0 quotes parameters into a simple Query; =1 uses the
extended protocol; UseDeclareFetch=1 reads results through DECLARE/FETCH cursors. Each test is one
scenario of tests/drivers/README.md."""

import datetime
import decimal
import os

import pyodbc
import pytest

import drivers_common as dc

DRIVER = "psqlodbc"
TABLE = f"drv_odbc_items_{dc.target()}"


def connect(**settings):
    p = dc.params()
    if p["options"]:
        # psqlODBC connects through libpq, which reads PGOPTIONS: the emulator's session settings.
        os.environ["PGOPTIONS"] = p["options"]
    attrs = {"DRIVER": "{PostgreSQL Unicode}", "SERVER": p["host"], "PORT": p["port"],
             "DATABASE": p["dbname"], "UID": p["user"], "PWD": p["password"],
             "BoolsAsChar": 0, "CommLog": 0, **settings}
    return pyodbc.connect(";".join(f"{k}={v}" for k, v in attrs.items()), timeout=10)


def close(c):
    # pyodbc runs with autocommit off: end the transaction before closing, as applications do
    # (a disconnect inside a transaction is its own scenario in test_psycopg2.py).
    c.rollback()
    c.close()


@pytest.fixture
def odbc():
    """connect(), with every connection rolled back and closed after the test, even a failed one
    (an open transaction would hold its locks and block the table's teardown)."""
    opened = []

    def open_(**settings):
        c = connect(**settings)
        opened.append(c)
        return c

    yield open_
    for c in opened:
        try:
            close(c)
        except pyodbc.Error:
            pass


def sqlstate(err):
    return err.args[0]


@pytest.fixture
def items():
    c = connect(UseServerSidePrepare=0)
    c.autocommit = True
    cur = c.cursor()
    cur.execute(f"drop table if exists {TABLE}")
    cur.execute(f"create table {TABLE} (id int4 primary key, name varchar(20) not null, price numeric(10,2))")
    cur.execute(f"insert into {TABLE} select g, 'item ' || g, g * 1.5 from generate_series(1, 10) g")
    yield TABLE
    cur.execute(f"drop table if exists {TABLE}")
    c.close()


TYPES_SQL = (
    "select 1::int2 as i2, 2147483647::int4 as i4, 9007199254740993::int8 as i8,"
    " 12.34::numeric(10,2) as n, 0.1::float8 as f8, true as b, 'ab'::char(3) as c3,"
    " 'vc'::varchar(10) as vc, 'tx'::text as t, date '2024-06-12' as d,"
    " timestamp '2024-06-12 14:30:45.123456' as ts, null::int4 as nul")
TYPES_ROW = [1, 2147483647, 9007199254740993, decimal.Decimal("12.34"), 0.1, True, "ab ", "vc",
             "tx", datetime.date(2024, 6, 12), datetime.datetime(2024, 6, 12, 14, 30, 45, 123456), None]
TYPES_PY = [int, int, int, decimal.Decimal, float, bool, str, str, str, datetime.date,
            datetime.datetime, int]


def check_session(c):
    cur = c.cursor()
    cur.execute(TYPES_SQL)
    assert [d[1] for d in cur.description] == TYPES_PY
    assert list(cur.fetchone()) == TYPES_ROW
    cur.execute("select ?::int4 + 1, ?::text, ?::text is null, ?::numeric, ?::date",
                41, "O'Reilly \\ \u00e9\u20ac", None, decimal.Decimal("1.50"), datetime.date(2020, 2, 29))
    assert list(cur.fetchone()) == [42, "O'Reilly \\ \u00e9\u20ac", True, decimal.Decimal("1.50"),
                                    datetime.date(2020, 2, 29)]
    with pytest.raises(pyodbc.Error) as e:
        cur.execute("select * from drv_no_such_table")
    assert sqlstate(e.value) == "42P01"
    with pytest.raises(pyodbc.Error) as e:
        cur.execute("select 10 / ?::int4", 0)
    assert sqlstate(e.value) == "22012"
    cur.execute("select 2")
    assert cur.fetchone()[0] == 2


def test_client_side_params(odbc):
    c = odbc(UseServerSidePrepare=0)
    assert c.getinfo(pyodbc.SQL_DBMS_NAME) == "PostgreSQL"
    check_session(c)


def test_server_side_prepare(odbc):
    c = odbc(UseServerSidePrepare=1)
    check_session(c)


def test_transaction(items, odbc):
    c = odbc(UseServerSidePrepare=1)
    c.autocommit = False
    cur = c.cursor()
    cur.execute(f"delete from {items} where id <= ?", 5)
    assert cur.rowcount == 5
    c.rollback()
    cur.execute(f"select count(*) from {items}")
    assert cur.fetchone()[0] == 10
    cur.executemany(f"insert into {items} (id, name) values (?, ?)", [(100 + i, f"n{i}") for i in range(3)])
    c.commit()
    cur.execute(f"select count(*) from {items} where id >= 100")
    assert cur.fetchone()[0] == 3
    c.commit()


def test_declare_fetch(items, odbc):
    # UseDeclareFetch=1, Fetch=3: psqlODBC wraps the select in DECLARE … CURSOR and FETCHes 3 rows
    # at a time inside a transaction (Tableau's default).
    c = odbc(UseServerSidePrepare=1, UseDeclareFetch=1, Fetch=3)
    cur = c.cursor()
    cur.execute(f"select id, name from {items} where id > ? order by id", 1)
    assert [tuple(r) for r in cur.fetchall()] == [(i, f"item {i}") for i in range(2, 11)]
    c.commit()


def test_catalog(items, odbc):
    # SQLTables / SQLColumns / SQLPrimaryKeys, psqlODBC's catalog queries.
    c = odbc(UseServerSidePrepare=1)
    cur = c.cursor()
    tables = [(r.table_schem, r.table_name, r.table_type) for r in cur.tables(table=items, schema="public")]
    assert tables == [("public", items, "TABLE")]
    cols = [(r.column_name, r.type_name, r.data_type, r.nullable) for r in cur.columns(table=items, schema="public")]
    assert cols == [("id", "int4", pyodbc.SQL_INTEGER, 0), ("name", "varchar", pyodbc.SQL_WVARCHAR, 0),
                    ("price", "numeric", pyodbc.SQL_NUMERIC, 1)]
    pk = [r.column_name for r in cur.primaryKeys(table=items, schema="public")]
    assert pk == ["id"]


def test_declare_with_hold(items, odbc):
    # Tableau's psqlODBC settings: autocommit on and UseDeclareFetch=1, so psqlODBC reads results
    # through DECLARE "SQL_CUR…" CURSOR WITH HOLD FOR … and FETCH.
    c = odbc(UseServerSidePrepare=1, UseDeclareFetch=1, Fetch=4)
    c.autocommit = True
    cur = c.cursor()
    cur.execute(f"select id, price from {items} order by id desc")
    assert [tuple(r) for r in cur.fetchall()] == [(i, decimal.Decimal(i) * decimal.Decimal("1.5"))
                                                  for i in range(10, 0, -1)]
    cur.execute("select 1")
    assert cur.fetchone()[0] == 1


def test_isql_dsn_file(tmp_path):
    # unixODBC's own isql with a DSN from an odbc.ini written here (ODBCINI), the way a BI server
    # is configured: driver settings come from the file, not the connection string.
    import subprocess

    p = dc.params()
    (tmp_path / "odbc.ini").write_text(
        "[redwire_test]\n"
        "Driver = PostgreSQL Unicode\n"
        f"Servername = {p['host']}\nPort = {p['port']}\nDatabase = {p['dbname']}\n"
        "UseServerSidePrepare = 1\nUseDeclareFetch = 0\nBoolsAsChar = 0\nCommLog = 0\n")
    env = {**os.environ, "ODBCINI": str(tmp_path / "odbc.ini")}
    if p["options"]:
        env["PGOPTIONS"] = p["options"]
    sql = ("select 40 + 2 as answer, 'dsn ok'::text as note\n"
           "select * from drv_no_such_table\n")
    out = subprocess.run(["isql", "-v", "-d,", "-x0x2c", "redwire_test", p["user"], p["password"] or ""],
                         input=sql, capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "42,dsn ok" in out.stdout, out.stdout
    assert "[42P01]" in out.stdout, out.stdout
