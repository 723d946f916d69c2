"""Connection settings and bookkeeping shared by the Python driver tests."""

import os
import pathlib

HERE = pathlib.Path(__file__).resolve().parent


def target():
    t = os.environ.get("REDWIRE_TEST_TARGET", "redwire")
    if t not in ("redwire", "direct"):
        raise SystemExit(f"REDWIRE_TEST_TARGET must be redwire or direct, not {t!r}")
    return t


def _need(name):
    v = os.environ.get(name)
    if not v:
        raise SystemExit(f"${name} is not set: run under tests/with-stack-env after 'tests/stack up'")
    return v


def params():
    """host, port, user, password, dbname of the target, and the session options that make a
    direct PostgreSQL session print values as the emulator's sessions do (UTC, ISO/MDY)."""
    if target() == "redwire":
        return {
            "host": _need("REDWIRE_HOST"),
            "port": int(_need("REDWIRE_PORT")),
            "user": _need("AWS_ACCESS_KEY_ID"),
            "password": _need("AWS_SECRET_ACCESS_KEY"),
            "dbname": "dev",
            "options": None,
        }
    return {
        "host": _need("PGHOST_DIRECT"),
        "port": int(_need("PGPORT_DIRECT")),
        "user": _need("PGUSER_DIRECT"),
        "password": "",
        "dbname": _need("PGDATABASE_DIRECT"),
        "options": "-c TimeZone=UTC -c DateStyle=ISO,MDY",
    }


def libpq_dsn(**extra):
    """A libpq keyword/value string for psycopg and psycopg2."""
    p = params()
    kv = {k: v for k, v in p.items() if v not in (None, "")}
    kv.update(extra)
    kv.setdefault("connect_timeout", 10)
    kv.setdefault("client_encoding", "UTF8")
    return " ".join(f"{k}='{str(v)}'" for k, v in kv.items())


def known_failures():
    """{(driver, scenario): reason} from the file known-failures."""
    out = {}
    for line in (HERE / "known-failures").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        driver, scenario, reason = (line.split(None, 2) + [""])[:3]
        out[(driver, scenario)] = reason or "listed in known-failures"
    return out


def record(driver, scenario, outcome):
    path = os.environ.get("REDWIRE_DRIVERS_RESULTS")
    if path:
        with open(path, "a") as f:
            f.write(f"{driver}\t{scenario}\t{target()}\t{outcome}\n")


# The select of every common type that the psycopg suites read back, and its column type OIDs.
TYPES_SQL = (
    "select 1::int2 as i2, 2147483647::int4 as i4, 9007199254740993::int8 as i8,"
    " 12.34::numeric(10,2) as n, 0.5::float4 as f4, 0.1::float8 as f8, true as b,"
    " 'ab'::char(3) as c3, 'vc'::varchar(10) as vc, 'tx'::text as t,"
    " date '2024-06-12' as d, time '14:30:45.5' as tm,"
    " timestamp '2024-06-12 14:30:45.123456' as ts,"
    " timestamptz '2024-06-12 14:30:45+02' as tstz, '\\x00ff'::bytea as by, null::int4 as nul")
TYPES_OIDS = [21, 23, 20, 1700, 700, 701, 16, 1042, 1043, 25, 1082, 1083, 1114, 1184, 17, 23]


def items_sql(table):
    """The statements that create the suites' table of 10 items (id, name, price)."""
    return [f"create table {table} (id int4 primary key, name varchar(20), price numeric(10,2))",
            f"insert into {table} select g, 'item ' || g, g * 1.5 from generate_series(1, 10) g"]
