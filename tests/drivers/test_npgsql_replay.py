"""Npgsql's (Power BI's driver) connection sequence replayed over a raw socket, message by message,
since no .NET runtime is available here: the startup packet, the type-loading batch Npgsql sends as
ONE simple Query of four statements and reads strictly in order (version(), the pg_type/pg_proc/
pg_range load, composite fields, enum labels), then a command the way Npgsql sends every command —
Parse/Bind with binary parameters and binary results/Describe portal/Execute/Sync — and the pool's
reset, DISCARD ALL (CLIENTS.md: Power BI failures at type loading and at DISCARD ALL)."""

import socket
import struct

import pytest

import drivers_common as dc

DRIVER = "npgsql-replay"


class Wire:
    """A minimal PostgreSQL v3 frontend: just enough to send Npgsql's messages and read replies."""

    def __init__(self):
        p = dc.params()
        self.sock = socket.create_connection((p["host"], p["port"]), timeout=30)
        self.buf = b""
        self.status = {}
        # Npgsql's startup parameters (user, database, client_encoding, application_name).
        params = {"user": p["user"], "database": p["dbname"], "client_encoding": "UTF8",
                  "application_name": "PowerBI-npgsql-replay"}
        if p["options"]:
            params["options"] = p["options"]
        body = struct.pack("!I", 196608) + b"".join(
            k.encode() + b"\0" + v.encode() + b"\0" for k, v in params.items()) + b"\0"
        self.sock.sendall(struct.pack("!I", len(body) + 4) + body)
        while True:
            t, m = self.read()
            if t == b"R":
                code = struct.unpack("!I", m[:4])[0]
                if code == 3:  # cleartext password (redwire's iam mode)
                    self.send(b"p", p["password"].encode() + b"\0")
                else:
                    assert code == 0, f"authentication request {code} not handled by the replay"
            elif t == b"S":
                k, v = m.rstrip(b"\0").split(b"\0")
                self.status[k.decode()] = v.decode()
            elif t == b"E":
                raise AssertionError(f"startup failed: {fields(m)}")
            elif t == b"Z":
                return

    def send(self, t, body=b""):
        self.sock.sendall(t + struct.pack("!I", len(body) + 4) + body)

    def read(self):
        while True:
            if len(self.buf) >= 5:
                n = struct.unpack("!I", self.buf[1:5])[0]
                if len(self.buf) >= 1 + n:
                    t, m = self.buf[:1], self.buf[5:1 + n]
                    self.buf = self.buf[1 + n:]
                    if t in (b"N",):  # notices may come anywhere
                        continue
                    return t, m
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError("server closed the connection")
            self.buf += chunk

    def expect(self, t):
        got, m = self.read()
        if got == b"E" and t != b"E":
            raise AssertionError(f"expected {t!r}, got ErrorResponse {fields(m)}")
        assert got == t, f"expected message {t!r}, got {got!r}"
        return m

    def close(self):
        self.send(b"X")
        self.sock.close()


def fields(m):
    """The fields of an ErrorResponse, by code."""
    out = {}
    for f in m.split(b"\0"):
        if f:
            out[chr(f[0])] = f[1:].decode()
    return out


def row_description(m):
    n = struct.unpack("!H", m[:2])[0]
    cols, pos = [], 2
    for _ in range(n):
        end = m.index(b"\0", pos)
        name = m[pos:end].decode()
        _table, _attr, oid, _size, _mod, fmt = struct.unpack("!IHIhiH", m[end + 1:end + 19])
        cols.append((name, oid, fmt))
        pos = end + 19
    return cols


def data_row(m):
    n = struct.unpack("!H", m[:2])[0]
    vals, pos = [], 2
    for _ in range(n):
        ln = struct.unpack("!i", m[pos:pos + 4])[0]
        pos += 4
        if ln < 0:
            vals.append(None)
        else:
            vals.append(m[pos:pos + ln])
            pos += ln
    return vals


def read_result(w):
    """RowDescription, DataRows, CommandComplete: (columns, rows, tag)."""
    cols = row_description(w.expect(b"T"))
    rows = []
    while True:
        t, m = w.read()
        if t == b"D":
            rows.append(data_row(m))
        elif t == b"C":
            return cols, rows, m.rstrip(b"\0").decode()
        elif t == b"E":
            raise AssertionError(f"ErrorResponse {fields(m)}")
        else:
            raise AssertionError(f"unexpected message {t!r} in a result")


def type_loading_batch(server_version):
    """The batch as Npgsql builds it for the server_version the server reported: the pg_range join
    only from 9.2 (range types), the enum query only from 8.3, enumsortorder only from 9.1. So for
    redwire's 8.0.2 it is three statements, for PostgreSQL 15 four."""
    v = tuple(int(x) for x in server_version.split()[0].split(".")[:2])
    batch = TYPE_LOADING_BATCH
    if v < (9, 2):
        batch = batch.replace("                    WHEN typ.typtype = 'r' THEN rngsubtype\n", "")
        batch = batch.replace("        LEFT JOIN pg_range ON (pg_range.rngtypid = typ.oid)\n", "")
    if v < (8, 3):
        batch = batch[:batch.index("-- enum labels")]
    elif v < (9, 1):
        batch = batch.replace("ORDER BY oid, enumsortorder;", "ORDER BY oid;")
    return batch, v >= (8, 3)


TYPE_LOADING_BATCH = """SELECT version();

SELECT ns.nspname, t.oid, t.typname, t.typtype, t.typnotnull, t.elemtypoid
FROM (
    -- array types are told apart by typreceive = array_recv; ranges and domains bring their
    -- subtype / base type as elemtypoid
    SELECT typ.oid, typ.typnamespace, typ.typname, typ.typtype, typ.typrelid, typ.typnotnull,
           typ.relkind, elemtyp.oid AS elemtypoid, elemtyp.typname AS elemtypname,
           elemcls.relkind AS elemrelkind,
           CASE WHEN elemproc.proname = 'array_recv' THEN 'a' ELSE elemtyp.typtype END AS elemtyptype
    FROM (
        SELECT typ.oid, typnamespace, typname, typrelid, typnotnull, relkind, typelem AS elemoid,
               CASE WHEN proc.proname = 'array_recv' THEN 'a' ELSE typ.typtype END AS typtype,
               CASE WHEN proc.proname = 'array_recv' THEN typ.typelem
                    WHEN typ.typtype = 'r' THEN rngsubtype
                    WHEN typ.typtype = 'd' THEN typ.typbasetype END AS elemtypoid
        FROM pg_type AS typ
        LEFT JOIN pg_class AS cls ON (cls.oid = typ.typrelid)
        LEFT JOIN pg_proc AS proc ON proc.oid = typ.typreceive
        LEFT JOIN pg_range ON (pg_range.rngtypid = typ.oid)
    ) AS typ
    LEFT JOIN pg_type AS elemtyp ON elemtyp.oid = elemtypoid
    LEFT JOIN pg_class AS elemcls ON (elemcls.oid = elemtyp.typrelid)
    LEFT JOIN pg_proc AS elemproc ON elemproc.oid = elemtyp.typreceive
) AS t
JOIN pg_namespace AS ns ON (ns.oid = typnamespace)
WHERE typtype IN ('b', 'r', 'e', 'd')
   OR (typtype = 'c' AND relkind = 'c')
   OR (typtype = 'p' AND typname IN ('record', 'void'))
   OR (typtype = 'a' AND (elemtyptype IN ('b', 'r', 'e', 'd')
                          OR (elemtyptype = 'p' AND elemtypname IN ('record', 'void'))
                          OR (elemtyptype = 'c' AND elemrelkind = 'c')))
ORDER BY CASE WHEN typtype IN ('b', 'e', 'p') THEN 0 WHEN typtype = 'r' THEN 1
              WHEN typtype = 'c' THEN 3 WHEN typtype = 'd' AND elemtyptype <> 'a' THEN 4
              WHEN typtype = 'a' THEN 5 WHEN typtype = 'd' AND elemtyptype = 'a' THEN 6 END;

-- fields of free-standing composite types
SELECT typ.oid, att.attname, att.atttypid
FROM pg_type AS typ
JOIN pg_namespace AS ns ON (ns.oid = typ.typnamespace)
JOIN pg_class AS cls ON (cls.oid = typ.typrelid)
JOIN pg_attribute AS att ON (att.attrelid = typ.typrelid)
WHERE (typ.typtype = 'c' AND cls.relkind = 'c') AND attnum > 0 AND NOT attisdropped
ORDER BY typ.oid, att.attnum;

-- enum labels
SELECT pg_type.oid, enumlabel
FROM pg_enum
JOIN pg_type ON pg_type.oid = enumtypid
ORDER BY oid, enumsortorder;
"""


@pytest.fixture
def wire():
    w = Wire()
    yield w
    w.close()


def test_startup(wire):
    # Npgsql reads these ParameterStatus values at startup.
    assert wire.status.get("integer_datetimes") == "on"
    assert wire.status.get("client_encoding") == "UTF8"
    assert wire.status.get("server_version", "")[:1].isdigit()
    assert wire.status.get("standard_conforming_strings") == "on"


def test_type_loading(wire):
    batch, with_enums = type_loading_batch(wire.status["server_version"])
    wire.send(b"Q", batch.encode() + b"\0")
    cols, rows, tag = read_result(wire)
    assert [c[0] for c in cols] == ["version"] and tag == "SELECT 1"
    assert rows[0][0].startswith(b"PostgreSQL ")
    cols, rows, tag = read_result(wire)
    assert [c[0] for c in cols] == ["nspname", "oid", "typname", "typtype", "typnotnull", "elemtypoid"]
    assert tag == f"SELECT {len(rows)}" and len(rows) > 100
    types = {r[2].decode(): (r[1].decode(), r[3].decode(), r[5]) for r in rows}
    assert types["int4"] == ("23", "b", None)
    assert types["_int4"] == ("1007", "a", b"23")
    assert types["numeric"][0] == "1700" and types["timestamptz"][0] == "1184"
    # Every array's element was listed before it (Npgsql resolves elements by OID as it reads).
    seen = set()
    for r in rows:
        if r[3] == b"a":
            assert r[5] in seen, f"array {r[2]} before its element {r[5]}"
        seen.add(r[1])
    cols, rows, tag = read_result(wire)
    assert [c[0] for c in cols] == ["oid", "attname", "atttypid"] and tag == f"SELECT {len(rows)}"
    if with_enums:
        cols, rows, tag = read_result(wire)
        assert [c[0] for c in cols] == ["oid", "enumlabel"] and tag == f"SELECT {len(rows)}"
    assert wire.expect(b"Z") == b"I"


def test_binary_command(wire):
    # Npgsql sends every command this way: unnamed statement with declared parameter types,
    # binary parameters, binary results for all columns, Describe portal, Execute, Sync.
    sql = b"SELECT $1 + 1 AS a, $2 AS b, $3::float8 * 2 AS c, now() > '2000-01-01' AS d"
    wire.send(b"P", b"\0" + sql + b"\0" + struct.pack("!H3I", 3, 23, 25, 701))
    params = [struct.pack("!i", 41), "Power BI \u00e9".encode(), struct.pack("!d", 0.25)]
    bind = b"\0\0" + struct.pack("!HH", 1, 1) + struct.pack("!H", 3)
    for p in params:
        bind += struct.pack("!i", len(p)) + p
    bind += struct.pack("!HH", 1, 1)  # one result format code: binary for every column
    wire.send(b"B", bind)
    wire.send(b"D", b"P\0")
    wire.send(b"E", b"\0" + struct.pack("!i", 0))
    wire.send(b"S")
    wire.expect(b"1")
    wire.expect(b"2")
    cols = row_description(wire.expect(b"T"))
    assert [(c[0], c[1], c[2]) for c in cols] == [("a", 23, 1), ("b", 25, 1), ("c", 701, 1), ("d", 16, 1)]
    row = data_row(wire.expect(b"D"))
    assert struct.unpack("!i", row[0])[0] == 42
    assert row[1].decode() == "Power BI \u00e9"
    assert struct.unpack("!d", row[2])[0] == 0.5
    assert row[3] == b"\x01"
    assert wire.expect(b"C").rstrip(b"\0") == b"SELECT 1"
    assert wire.expect(b"Z") == b"I"


def test_discard_all(wire):
    # The pool's reset when a connection is handed out again, then a command on the reset session.
    wire.send(b"Q", b"SET search_path TO public\0")
    assert wire.expect(b"C").rstrip(b"\0") == b"SET"
    assert wire.expect(b"Z") == b"I"
    wire.send(b"P", b"\0DISCARD ALL\0\0\0")
    wire.send(b"B", b"\0\0" + struct.pack("!HHH", 0, 0, 0))
    wire.send(b"E", b"\0" + struct.pack("!i", 0))
    wire.send(b"S")
    wire.expect(b"1")
    wire.expect(b"2")
    assert wire.expect(b"C").rstrip(b"\0") == b"DISCARD ALL"
    assert wire.expect(b"Z") == b"I"
    wire.send(b"Q", b"SHOW search_path\0")
    cols, rows, tag = read_result(wire)
    assert rows == [[b'"$user", public']]
    assert wire.expect(b"Z") == b"I"
