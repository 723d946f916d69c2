"""Superset's path to a database: SQLAlchemy 1.4 (Debian python3-sqlalchemy) with its psycopg2
dialect. The dialect's first-connect probes (version() parsed into server_version_info, current
schema, standard_conforming_strings, …), the Inspector calls Superset's database and dataset screens
make, a Core select with bound parameters as SQL Lab / charts run, and an insert."""

import decimal

import pytest
import sqlalchemy as sa

import drivers_common as dc

DRIVER = "superset-sqlalchemy"
TABLE = f"drv_sa_items_{dc.target()}"


@pytest.fixture
def engine():
    p = dc.params()
    url = sa.engine.URL.create(
        "postgresql+psycopg2", username=p["user"], password=p["password"] or None,
        host=p["host"], port=p["port"], database=p["dbname"],
        query={"application_name": "Superset-sqlalchemy-replay", "client_encoding": "UTF8",
               **({"options": p["options"]} if p["options"] else {})})
    e = sa.create_engine(url, future=True, pool_pre_ping=True)
    yield e
    e.dispose()


@pytest.fixture
def items(engine):
    with engine.begin() as c:
        c.exec_driver_sql(f"drop table if exists {TABLE}")
        c.exec_driver_sql(f"create table {TABLE} (id int4 primary key, name varchar(20) not null,"
                          f" price numeric(10,2), created timestamp default now())")
        c.exec_driver_sql(f"create index {TABLE}_name on {TABLE} (name)")
        c.exec_driver_sql(f"insert into {TABLE} (id, name, price) select g, 'item ' || g, g * 1.5"
                          f" from generate_series(1, 10) g")
    yield TABLE
    with engine.begin() as c:
        c.exec_driver_sql(f"drop table if exists {TABLE}")


def test_first_connect(engine):
    with engine.connect() as c:
        assert c.execute(sa.text("select 1")).scalar() == 1
        info = engine.dialect.server_version_info
        # Parsed from version(): redwire reports Redshift's 8.0.2, PostgreSQL its own.
        assert isinstance(info, tuple) and info >= (8, 0) and all(isinstance(x, int) for x in info)
        assert engine.dialect.default_schema_name == "public"
        assert c.execute(sa.text("show standard_conforming_strings")).scalar() == "on"


def test_inspector(engine, items):
    insp = sa.inspect(engine)
    assert "public" in insp.get_schema_names()
    assert items in insp.get_table_names(schema="public")
    cols = {c["name"]: c for c in insp.get_columns(items, schema="public")}
    assert list(cols) == ["id", "name", "price", "created"]
    assert isinstance(cols["id"]["type"], sa.INTEGER)
    assert isinstance(cols["name"]["type"], sa.VARCHAR) and cols["name"]["type"].length == 20
    assert isinstance(cols["price"]["type"], sa.NUMERIC) and (cols["price"]["type"].precision,
                                                                cols["price"]["type"].scale) == (10, 2)
    assert isinstance(cols["created"]["type"], sa.TIMESTAMP)
    assert [c["nullable"] for c in cols.values()] == [False, False, True, True]
    assert "now()" in cols["created"]["default"]
    assert insp.get_pk_constraint(items, schema="public")["constrained_columns"] == ["id"]
    assert [i["column_names"] for i in insp.get_indexes(items, schema="public")] == [["name"]]
    assert insp.get_foreign_keys(items, schema="public") == []


def test_core_query(engine, items):
    meta = sa.MetaData()
    t = sa.Table(items, meta, autoload_with=engine, schema="public")
    q = (sa.select(t.c.id, t.c.name, t.c.price)
         .where(t.c.id.between(sa.bindparam("lo"), sa.bindparam("hi")), t.c.name.like("item %"))
         .order_by(t.c.id.desc()).limit(3))
    with engine.connect() as c:
        rows = c.execute(q, {"lo": 2, "hi": 8}).all()
        assert [tuple(r) for r in rows] == [(8, "item 8", decimal.Decimal("12.00")),
                                            (7, "item 7", decimal.Decimal("10.50")),
                                            (6, "item 6", decimal.Decimal("9.00"))]
        agg = c.execute(sa.select(sa.func.count(), sa.func.sum(t.c.price))).one()
        assert tuple(agg) == (10, decimal.Decimal("82.50"))


def test_insert_update(engine, items):
    meta = sa.MetaData()
    t = sa.Table(items, meta, autoload_with=engine, schema="public")
    with engine.begin() as c:
        c.execute(t.insert(), [{"id": 100 + i, "name": f"new {i}", "price": i} for i in range(3)])
        res = c.execute(t.update().where(t.c.id >= 100).values(price=t.c.price + 1))
        assert res.rowcount == 3
    with engine.connect() as c:
        assert c.execute(sa.select(sa.func.sum(t.c.price)).where(t.c.id >= 100)).scalar() == 6
