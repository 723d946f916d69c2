// pgjdbc (Debian libpostgresql-jdbc-java) through redwire, and the DBeaver and Metabase startup and
// catalog sequences replayed through it as those tools send them (both are pgjdbc applications).
// One JVM runs every scenario of tests/drivers/README.md; REDWIRE_TEST_TARGET=direct runs the same
// scenarios on the PostgreSQL behind the emulator. Scenarios listed in ../known-failures must fail on
// redwire (strict); any other failure, or a listed scenario that passes, fails the run.

import java.io.FileWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

public final class DriversJdbc {
  interface Body {
    void run() throws Exception;
  }

  static String target;
  static String table;
  static Map<String, String> known = new HashMap<>();
  static int unexpected = 0;
  static int passed = 0;
  static int xfailed = 0;
  // pgjdbc warns "Unsupported Server Version: 8.0.2" on every redwire connection (redwire reports
  // Redshift's version); keep the logger referenced so that its level sticks.
  static final java.util.logging.Logger PGJDBC_LOG = java.util.logging.Logger.getLogger("org.postgresql");

  // ---- connections ----

  static String env(String name) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalStateException("$" + name + " is not set: run under tests/with-stack-env");
    }
    return v;
  }

  /** A connection to the target with the given extra pgjdbc properties ("key=value"). */
  static Connection connect(String... extra) throws SQLException {
    Properties p = new Properties();
    String url;
    if (target.equals("redwire")) {
      url = "jdbc:postgresql://" + env("REDWIRE_HOST") + ":" + env("REDWIRE_PORT") + "/dev";
      p.setProperty("user", env("AWS_ACCESS_KEY_ID"));
      p.setProperty("password", env("AWS_SECRET_ACCESS_KEY"));
    } else {
      url = "jdbc:postgresql://" + env("PGHOST_DIRECT") + ":" + env("PGPORT_DIRECT") + "/"
          + env("PGDATABASE_DIRECT");
      p.setProperty("user", env("PGUSER_DIRECT"));
      // The emulator's sessions print dates as ISO/MDY in UTC; pgjdbc sends the JVM's zone (UTC).
      p.setProperty("options", "-c DateStyle=ISO,MDY");
    }
    p.setProperty("connectTimeout", "10");
    p.setProperty("socketTimeout", "60");
    p.setProperty("ApplicationName", "redwire-drivers-jdbc");
    for (String kv : extra) {
      int eq = kv.indexOf('=');
      p.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return DriverManager.getConnection(url, p);
  }

  // ---- assertions ----

  static void eq(String what, Object expected, Object got) {
    if (!Objects.equals(expected, got)) {
      throw new AssertionError(what + ": expected <" + expected + "> got <" + got + ">");
    }
  }

  static void check(String what, boolean ok) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }

  static void sqlstate(String expected, Body body) throws Exception {
    try {
      body.run();
    } catch (SQLException e) {
      eq("SQLSTATE of '" + e.getMessage() + "'", expected, e.getSQLState());
      return;
    }
    throw new AssertionError("expected an error with SQLSTATE " + expected + ", got none");
  }

  static List<List<Object>> rows(ResultSet r) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    int n = r.getMetaData().getColumnCount();
    while (r.next()) {
      List<Object> row = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        row.add(r.getString(i));
      }
      out.add(row);
    }
    return out;
  }

  static List<List<Object>> query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      return rows(r);
    }
  }

  static String value(Connection c, String sql) throws SQLException {
    List<List<Object>> r = query(c, sql);
    eq("rows of " + sql, 1, r.size());
    return (String) r.get(0).get(0);
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  // ---- scenarios ----

  static final String TYPES_SQL = "select 1::int2 as i2, 2147483647::int4 as i4,"
      + " 9007199254740993::int8 as i8, 12.34::numeric(10,2) as n, 0.5::float4 as f4,"
      + " 0.1::float8 as f8, true as b, 'ab'::char(3) as c3, 'vc'::varchar(10) as vc,"
      + " 'tx'::text as t, date '2024-06-12' as d, time '14:30:45.5' as tm,"
      + " timestamp '2024-06-12 14:30:45.123456' as ts,"
      + " timestamptz '2024-06-12 14:30:45+02' as tstz, '\\x00ff'::bytea as by, null::int4 as nul";
  static final List<String> TYPES_NAMES = Arrays.asList("int2", "int4", "int8", "numeric",
      "float4", "float8", "bool", "bpchar", "varchar", "text", "date", "time", "timestamp",
      "timestamptz", "bytea", "int4");
  static final List<Object> TYPES_TEXT = Arrays.asList("1", "2147483647", "9007199254740993",
      "12.34", "0.5", "0.1", "t", "ab ", "vc", "tx", "2024-06-12", "14:30:45.5",
      "2024-06-12 14:30:45.123456", "2024-06-12 12:30:45+00", "\\x00ff", null);

  /** Type names, and values fetched with typed getters (the same for text and binary results). */
  static void checkTypes(ResultSet r) throws SQLException {
    ResultSetMetaData md = r.getMetaData();
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= md.getColumnCount(); i++) {
      names.add(md.getColumnTypeName(i));
    }
    eq("column type names", TYPES_NAMES, names);
    check("one row", r.next());
    eq("int2", (short) 1, r.getShort(1));
    eq("int4", 2147483647, r.getInt(2));
    eq("int8", 9007199254740993L, r.getLong(3));
    eq("numeric", new BigDecimal("12.34"), r.getBigDecimal(4));
    eq("float4", 0.5f, r.getFloat(5));
    eq("float8", 0.1, r.getDouble(6));
    eq("bool", true, r.getBoolean(7));
    eq("char(3)", "ab ", r.getString(8));
    eq("varchar", "vc", r.getString(9));
    eq("text", "tx", r.getString(10));
    eq("date", Date.valueOf("2024-06-12"), r.getDate(11));
    eq("time", "14:30:45.5", r.getString(12));
    eq("timestamp", Timestamp.valueOf("2024-06-12 14:30:45.123456"), r.getTimestamp(13));
    eq("timestamptz", java.time.Instant.parse("2024-06-12T12:30:45Z"), r.getTimestamp(14).toInstant());
    eq("bytea", "[0, -1]", Arrays.toString(r.getBytes(15)));
    eq("null", null, r.getObject(16));
    check("one row only", !r.next());
  }

  static void simpleMode() throws Exception {
    try (Connection c = connect("preferQueryMode=simple")) {
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(TYPES_SQL)) {
        checkTypes(r);
      }
      eq("text of every type", List.of(TYPES_TEXT), query(c, TYPES_SQL));
      // In simple mode pgjdbc interpolates the parameters into the SQL text itself.
      try (PreparedStatement ps = c.prepareStatement(
               "select ?::int4 + 1, ?::text, ?::numeric, ?::text is null, ?::date")) {
        ps.setInt(1, 41);
        ps.setString(2, "O'Reilly \\ \u00e9\u20ac");
        ps.setBigDecimal(3, new BigDecimal("1.50"));
        ps.setNull(4, Types.VARCHAR);
        ps.setDate(5, Date.valueOf("2020-02-29"));
        try (ResultSet r = ps.executeQuery()) {
          eq("parameters", List.of(Arrays.asList("42", "O'Reilly \\ \u00e9\u20ac", "1.50", "t",
              "2020-02-29")), rows(r));
        }
      }
      sqlstate("42P01", () -> query(c, "select * from drv_no_such_table"));
      sqlstate("22012", () -> query(c, "select 1/0"));
      sqlstate("42601", () -> query(c, "selec 1"));
      eq("usable after errors", "2", value(c, "select 2"));
    }
  }

  static void createTable() throws Exception {
    try (Connection c = connect("preferQueryMode=simple")) {
      exec(c, "drop table if exists " + table);
      exec(c, "create table " + table
          + " (id int4 primary key, name varchar(20) not null, price numeric(10,2))");
      exec(c, "insert into " + table
          + " select g, 'item ' || g, g * 1.5 from generate_series(1, 10) g");
    }
  }

  static void transaction(String... props) throws Exception {
    createTable();
    try (Connection c = connect(props); Connection other = connect(props)) {
      c.setAutoCommit(false);
      exec(c, "delete from " + table + " where id <= 5");
      c.rollback();
      eq("rows after rollback", "10", value(c, "select count(*) from " + table));
      exec(c, "update " + table + " set price = 99 where id = 1");
      eq("uncommitted, seen by another connection", "1.50",
          value(other, "select price from " + table + " where id = 1"));
      c.commit();
      eq("committed, seen by another connection", "99.00",
          value(other, "select price from " + table + " where id = 1"));
      sqlstate("42P01", () -> query(c, "select * from drv_no_such_table"));
      sqlstate("25P02", () -> query(c, "select 1"));
      c.rollback();
      eq("usable after rollback", "3", value(c, "select 3"));
      c.commit();
    }
  }

  static void metadata(String... props) throws Exception {
    createTable();
    try (Connection c = connect(props)) {
      DatabaseMetaData md = c.getMetaData();
      List<String> schemas = new ArrayList<>();
      try (ResultSet r = md.getSchemas()) {
        while (r.next()) {
          schemas.add(r.getString("TABLE_SCHEM"));
        }
      }
      check("getSchemas lists public: " + schemas, schemas.contains("public"));
      List<String> tables = new ArrayList<>();
      try (ResultSet r = md.getTables(null, "public", table, new String[] {"TABLE"})) {
        while (r.next()) {
          tables.add(r.getString("TABLE_SCHEM") + "." + r.getString("TABLE_NAME") + ":"
              + r.getString("TABLE_TYPE"));
        }
      }
      eq("getTables", List.of("public." + table + ":TABLE"), tables);
      List<String> cols = new ArrayList<>();
      try (ResultSet r = md.getColumns(null, "public", table, "%")) {
        while (r.next()) {
          cols.add(r.getString("COLUMN_NAME") + " " + r.getString("TYPE_NAME") + " "
              + r.getInt("DATA_TYPE") + " " + r.getString("IS_NULLABLE") + " "
              + r.getInt("ORDINAL_POSITION"));
        }
      }
      eq("getColumns",
          List.of("id int4 " + Types.INTEGER + " NO 1", "name varchar " + Types.VARCHAR + " NO 2",
              "price numeric " + Types.NUMERIC + " YES 3"),
          cols);
      List<String> pk = new ArrayList<>();
      try (ResultSet r = md.getPrimaryKeys(null, "public", table)) {
        while (r.next()) {
          pk.add(r.getString("COLUMN_NAME"));
        }
      }
      eq("getPrimaryKeys", List.of("id"), pk);
    }
  }

  static void defaultExtended() throws Exception {
    try (Connection c = connect()) {
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(TYPES_SQL)) {
        checkTypes(r);
      }
      try (PreparedStatement ps = c.prepareStatement(
               "select ?::int4 + 1 as a, ?::text as b, ?::numeric as c, ?::text is null as d,"
               + " ?::text = '' as e, ?::date as f, ?::int8 as g")) {
        ps.setInt(1, 41);
        ps.setString(2, "O'Reilly \\ \u00e9\u20ac");
        ps.setBigDecimal(3, new BigDecimal("1.50"));
        ps.setNull(4, Types.VARCHAR);
        ps.setString(5, "");
        ps.setDate(6, Date.valueOf("2020-02-29"));
        ps.setLong(7, 9007199254740993L);
        try (ResultSet r = ps.executeQuery()) {
          ResultSetMetaData md = r.getMetaData();
          eq("types", "int4 text numeric bool bool date int8",
              String.join(" ", md.getColumnTypeName(1), md.getColumnTypeName(2),
                  md.getColumnTypeName(3), md.getColumnTypeName(4), md.getColumnTypeName(5),
                  md.getColumnTypeName(6), md.getColumnTypeName(7)));
          eq("parameters", List.of(Arrays.asList("42", "O'Reilly \\ \u00e9\u20ac", "1.50", "t",
              "t", "2020-02-29", "9007199254740993")), rows(r));
        }
      }
      try (PreparedStatement ps = c.prepareStatement("select * from drv_no_such_table where id = ?")) {
        ps.setInt(1, 1);
        sqlstate("42P01", () -> ps.executeQuery().close());
      }
      try (PreparedStatement ps = c.prepareStatement("select 10 / ?")) {
        ps.setInt(1, 0);
        sqlstate("22012", () -> ps.executeQuery().close());
      }
      eq("usable after errors", "2", value(c, "select 2"));
    }
  }

  static void binaryThreshold1() throws Exception {
    // prepareThreshold=1: a named server statement from the first execution, and pgjdbc asks
    // for binary results (and sends int/float parameters binary) from then on.
    try (Connection c = connect("prepareThreshold=1")) {
      for (int i = 0; i < 3; i++) {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(TYPES_SQL)) {
          checkTypes(r);
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
               "select ?::int4 * 2, ?::int8 + 1, ?::float8 / 2, ?::bool, ?::numeric, ?::timestamp")) {
        for (int i = 0; i < 4; i++) {
          ps.setInt(1, i);
          ps.setLong(2, 9007199254740992L + i);
          ps.setDouble(3, i + 0.5);
          ps.setBoolean(4, i % 2 == 0);
          ps.setBigDecimal(5, new BigDecimal("12345678901234567890.12345").add(BigDecimal.valueOf(i)));
          ps.setTimestamp(6, Timestamp.valueOf("2024-02-29 23:59:59.25"));
          try (ResultSet r = ps.executeQuery()) {
            check("row", r.next());
            eq("int4 #" + i, i * 2, r.getInt(1));
            eq("int8 #" + i, 9007199254740993L + i, r.getLong(2));
            eq("float8 #" + i, (i + 0.5) / 2, r.getDouble(3));
            eq("bool #" + i, i % 2 == 0, r.getBoolean(4));
            eq("numeric #" + i, new BigDecimal("12345678901234567890.12345").add(BigDecimal.valueOf(i)),
                r.getBigDecimal(5));
            eq("timestamp #" + i, Timestamp.valueOf("2024-02-29 23:59:59.25"), r.getTimestamp(6));
          }
        }
      }
    }
  }

  static void fetchSize() throws Exception {
    // With autocommit off and a fetch size, pgjdbc runs the query in a named portal and fetches
    // 3 rows per Execute (PortalSuspended in between), inside one transaction.
    createTable();
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(
               "select id, name from " + table + " where id > ? order by id")) {
        ps.setFetchSize(3);
        ps.setInt(1, 1);
        List<String> got = new ArrayList<>();
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            got.add(r.getInt(1) + ":" + r.getString(2));
            if (got.size() == 4) {
              // A statement in between: the suspended portal must survive it.
              eq("statement between fetches", "7", value(c, "select 7"));
            }
          }
        }
        List<String> want = new ArrayList<>();
        for (int i = 2; i <= 10; i++) {
          want.add(i + ":item " + i);
        }
        eq("rows fetched 3 at a time", want, got);
      }
      c.commit();
    }
  }

  static void largeFetch() throws Exception {
    // 12 345 rows, 1000 per Execute, binary results (prepareThreshold=1): the portal is suspended
    // and resumed across the Data API's result pages (5000 rows each in the emulator), on a page
    // boundary exactly at rows 5000 and 10000.
    try (Connection c = connect("prepareThreshold=1")) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("select g, md5(g::text) as h,"
               + " g * 0.5::numeric as half from generate_series(1, ?) g order by g")) {
        ps.setFetchSize(1000);
        ps.setInt(1, 12345);
        int n = 0;
        try (ResultSet r = ps.executeQuery()) {
          java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
          while (r.next()) {
            n++;
            eq("g", n, r.getInt(1));
            if (n % 997 == 0 || n % 5000 == 0 || n % 5000 == 1) {
              StringBuilder hex = new StringBuilder();
              for (byte b : md5.digest(Integer.toString(n).getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                hex.append(String.format("%02x", b));
              }
              eq("md5 of row " + n, hex.toString(), r.getString(2));
              eq("half of row " + n, new BigDecimal(n).multiply(new BigDecimal("0.5")), r.getBigDecimal(3));
            }
          }
        }
        eq("rows", 12345, n);
      }
      c.commit();
    }
  }

  static void batch() throws Exception {
    createTable();
    try (Connection c = connect()) {
      try (PreparedStatement ps = c.prepareStatement(
               "insert into " + table + " (id, name, price) values (?, ?, ?)")) {
        for (int i = 0; i < 5; i++) {
          ps.setInt(1, 100 + i);
          ps.setString(2, "new " + i);
          ps.setBigDecimal(3, BigDecimal.valueOf(i));
          ps.addBatch();
        }
        eq("update counts", "[1, 1, 1, 1, 1]", Arrays.toString(ps.executeBatch()));
      }
      eq("rows inserted", "5 10.00",
          value(c, "select count(*) || ' ' || sum(price) from " + table + " where id >= 100"));
    }
  }

  static void describeBeforeExecute() throws Exception {
    // getMetaData()/getParameterMetaData() before any execution: Parse + Describe(statement) + Sync,
    // which must answer the row shape and parameter types without running the statement.
    createTable();
    try (Connection c = connect()) {
      // Spring's JdbcTemplate asks for parameter types this way before setNull. An undeclared
      // parameter's type is inferred by PostgreSQL but reported as text by redwire
      // (docs/extended-protocol.md), so only the cast one is compared.
      try (PreparedStatement ps = c.prepareStatement(
               "update " + table + " set price = price + ? where id = ?::int4")) {
        eq("parameters", 2, ps.getParameterMetaData().getParameterCount());
        eq("parameter 2 type", "int4", ps.getParameterMetaData().getParameterTypeName(2));
        eq("no result columns", null, ps.getMetaData());
      }
      eq("the update did not run", "1.50", value(c, "select price from " + table + " where id = 1"));
      try (PreparedStatement ps = c.prepareStatement("select id, name from " + table + " where id = ?")) {
        eq("select columns", "name varchar",
            ps.getMetaData().getColumnName(2) + " " + ps.getMetaData().getColumnTypeName(2));
        ps.setInt(1, 3);
        try (ResultSet r = ps.executeQuery()) {
          eq("then executed", List.of(Arrays.asList("3", "item 3")), rows(r));
        }
      }
    }
  }

  static void describeReturning() throws Exception {
    // The row shape of DML with RETURNING, before it runs.
    createTable();
    try (Connection c = connect()) {
      try (PreparedStatement ps = c.prepareStatement(
               "update " + table + " set price = price + ? where id = ? returning id, price")) {
        ResultSetMetaData md = ps.getMetaData();
        eq("columns", "id int4, price numeric", md.getColumnName(1) + " " + md.getColumnTypeName(1)
            + ", " + md.getColumnName(2) + " " + md.getColumnTypeName(2));
      }
      eq("the update did not run", "1.50", value(c, "select price from " + table + " where id = 1"));
    }
  }

  static void autosave() throws Exception {
    // autosave=always: pgjdbc puts a SAVEPOINT before every statement in a transaction and rolls
    // back to it on an error, so the transaction goes on (no 25P02) and keeps its earlier work.
    createTable();
    try (Connection c = connect("autosave=always")) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("update " + table + " set price = ? where id = ?")) {
        ps.setBigDecimal(1, new BigDecimal("7.00"));
        ps.setInt(2, 1);
        eq("updated", 1, ps.executeUpdate());
      }
      sqlstate("42P01", () -> query(c, "select * from drv_no_such_table"));
      eq("the transaction goes on", "7.00", value(c, "select price from " + table + " where id = 1"));
      c.commit();
    }
    try (Connection c = connect()) {
      eq("committed", "7.00", value(c, "select price from " + table + " where id = 1"));
    }
  }

  static void queryTimeout() throws Exception {
    // Statement.setQueryTimeout: pgjdbc sends a CancelRequest on a second connection when the
    // timer fires (Looker's "test kill" and every BI tool's cancel button work this way).
    try (Connection c = connect()) {
      try (Statement s = c.createStatement()) {
        s.setQueryTimeout(1);
        long t0 = System.nanoTime();
        sqlstate("57014", () -> s.executeQuery("select pg_sleep(20)").close());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        check("cancelled after " + ms + " ms (timeout 1 s)", ms >= 900 && ms < 10_000);
      }
      eq("usable after the cancel", "5", value(c, "select 5"));
    }
  }

  // ---- replays of BI tools (pgjdbc applications) ----

  /** Metabase's connection and sync sequence (CLIENTS.md). */
  static void metabase(String... props) throws Exception {
    createTable();
    try (Connection c = connect(props)) {
      exec(c, "SET extra_float_digits = 2");
      exec(c, "SET application_name = 'Metabase v0.55.1 [redwire-drivers]'");
      eq("isolation level", "read committed", value(c, "SHOW TRANSACTION ISOLATION LEVEL"));
      exec(c, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ UNCOMMITTED");
      List<String> schemas = new ArrayList<>();
      try (ResultSet r = c.getMetaData().getSchemas()) {
        while (r.next()) {
          schemas.add(r.getString(1));
        }
      }
      check("getSchemas lists public: " + schemas, schemas.contains("public"));
      List<List<Object>> priv = query(c, "with table_privileges as ("
          + " select NULL as role, t.schemaname as schema, t.objectname as table,"
          + " pg_catalog.has_any_column_privilege(current_user, '\"' || replace(t.schemaname, '\"', '\"\"')"
          + "   || '\".\"' || replace(t.objectname, '\"', '\"\"') || '\"', 'update') as update,"
          + " pg_catalog.has_any_column_privilege(current_user, '\"' || replace(t.schemaname, '\"', '\"\"')"
          + "   || '\".\"' || replace(t.objectname, '\"', '\"\"') || '\"', 'select') as select,"
          + " pg_catalog.has_any_column_privilege(current_user, '\"' || replace(t.schemaname, '\"', '\"\"')"
          + "   || '\".\"' || replace(t.objectname, '\"', '\"\"') || '\"', 'insert') as insert,"
          + " pg_catalog.has_table_privilege(current_user, '\"' || replace(t.schemaname, '\"', '\"\"')"
          + "   || '\".\"' || replace(t.objectname, '\"', '\"\"') || '\"', 'delete') as delete"
          + " from (select schemaname, tablename as objectname from pg_catalog.pg_tables"
          + "   union select schemaname, viewname as objectname from pg_catalog.pg_views"
          + "   union select schemaname, matviewname as objectname from pg_catalog.pg_matviews) t"
          + " where t.schemaname !~ '^pg_' and t.schemaname <> 'information_schema'"
          + "   and pg_catalog.has_schema_privilege(current_user, t.schemaname, 'usage'))"
          + " select t.* from table_privileges t where t.table = '" + table + "'");
      eq("privileges of the test table", List.of(Arrays.asList(null, "public", table, "t", "t", "t", "t")),
          priv);
      List<List<Object>> listing = query(c, "SELECT \"n\".\"nspname\" AS \"schema\", \"c\".\"relname\" AS \"name\","
          + " CASE \"c\".\"relkind\" WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW'"
          + " WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END AS \"type\","
          + " \"d\".\"description\" AS \"description\", \"stat\".\"n_live_tup\" AS \"estimated_row_count\""
          + " FROM \"pg_catalog\".\"pg_class\" AS \"c\""
          + " INNER JOIN \"pg_catalog\".\"pg_namespace\" AS \"n\" ON \"c\".\"relnamespace\" = \"n\".\"oid\""
          + " LEFT JOIN \"pg_catalog\".\"pg_description\" AS \"d\" ON (\"c\".\"oid\" = \"d\".\"objoid\")"
          + "   AND (\"d\".\"objsubid\" = '0') AND (\"d\".\"classoid\" = 'pg_class'::regclass)"
          + " LEFT JOIN \"pg_stat_user_tables\" AS \"stat\" ON (\"n\".\"nspname\" = \"stat\".\"schemaname\")"
          + "   AND (\"c\".\"relname\" = \"stat\".\"relname\")"
          + " WHERE (\"c\".\"relnamespace\" = \"n\".\"oid\") AND (\"n\".\"nspname\" !~ '^pg_')"
          + "   AND (\"n\".\"nspname\" <> 'information_schema') AND c.relkind in ('r', 'p', 'v', 'f', 'm')"
          + "   AND (\"n\".\"nspname\" IN ('public')) ORDER BY \"type\" ASC, \"schema\" ASC, \"name\" ASC");
      boolean found = false;
      for (List<Object> row : listing) {
        found |= row.get(1).equals(table) && row.get(2).equals("TABLE");
      }
      check("the table listing names " + table + ": " + listing, found);
      exec(c, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED");
      exec(c, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ UNCOMMITTED");
      eq("show timezone", "UTC", value(c, "show timezone"));
      // A dashboard question: a parameterized aggregate.
      try (PreparedStatement ps = c.prepareStatement(
               "SELECT count(*) AS \"count\", sum(\"price\") AS \"sum\" FROM \"public\".\"" + table
               + "\" WHERE \"id\" <= ?")) {
        ps.setInt(1, 4);
        try (ResultSet r = ps.executeQuery()) {
          eq("question", List.of(Arrays.asList("4", "15.00")), rows(r));
        }
      }
    }
  }

  /** DBeaver's connection sequence (CLIENTS.md). */
  static void dbeaver(String... props) throws Exception {
    try (Connection c = connect(props)) {
      exec(c, "SET extra_float_digits = 3");
      exec(c, "SET application_name = 'PostgreSQL JDBC Driver'");
      exec(c, "SET application_name = 'DBeaver 25.1.5 - Main <dev>'");
      List<List<Object>> cs = query(c, "SELECT current_schema(),session_user");
      eq("current_schema()", "public", cs.get(0).get(0));
      check("session_user is set", cs.get(0).get(1) != null);
      List<List<Object>> ns = query(c, "SELECT n.oid,n.*,d.description FROM pg_catalog.pg_namespace n"
          + " LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=n.oid AND d.objsubid=0"
          + " AND d.classoid='pg_namespace'::regclass ORDER BY nspname");
      boolean pub = false;
      for (List<Object> row : ns) {
        pub |= "public".equals(row.get(2));
      }
      check("pg_namespace lists public", pub);
      eq("pg_type 1034", List.of(Arrays.asList("t", "pg_catalog", "_aclitem")),
          query(c, "SELECT n.nspname = ANY(current_schemas(true)), n.nspname, t.typname"
              + " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid"
              + " WHERE t.oid = 1034"));
      eq("array type lookup", List.of(Arrays.asList("t", "b", "_aclitem", "1034")),
          query(c, "SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid"
              + " FROM pg_catalog.pg_type LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r"
              + " from pg_namespace as ns join ( select s.r, (current_schemas(false))[s.r] as nspname"
              + " from generate_series(1, array_upper(current_schemas(false), 1)) as s(r) ) as r"
              + " using ( nspname ) ) as sp ON sp.nspoid = typnamespace WHERE pg_type.oid = 1034"
              + " ORDER BY sp.r, pg_type.oid DESC"));
      eq("search_path", "\"$user\", public", value(c, "SHOW search_path"));
      eq("pg_database", "dev", query(c, "SELECT db.oid,db.* FROM pg_catalog.pg_database db"
          + " WHERE datname='dev'").get(0).get(2));
      eq("standard_conforming_strings", "on",
          query(c, "SELECT * FROM pg_catalog.pg_settings where name='standard_conforming_strings'")
              .get(0).get(1));
      String kw = value(c, "SELECT string_agg(word, ',') from pg_catalog.pg_get_keywords()"
          + " where word <> ALL ('{a,abs,absolute,action,ada,add,admin,after,all}'::text[])");
      check("keywords list analyse but not all", kw.contains("analyse") && !kw.contains(",all,"));
      check("version()", value(c, "SELECT version()").startsWith("PostgreSQL "));
      eq("pg_enum", List.of(), query(c, "SELECT * FROM pg_catalog.pg_enum WHERE 1<>1 LIMIT 1"));
      eq("pg_class", List.of(), query(c, "SELECT reltype FROM pg_catalog.pg_class WHERE 1<>1 LIMIT 1"));
      List<List<Object>> types = query(c, "SELECT t.oid,t.*,c.relkind,"
          + "format_type(nullif(t.typbasetype, 0), t.typtypmod) as base_type_name, d.description"
          + " FROM pg_catalog.pg_type t LEFT OUTER JOIN pg_catalog.pg_type et ON et.oid=t.typelem"
          + " LEFT OUTER JOIN pg_catalog.pg_class c ON c.oid=t.typrelid"
          + " LEFT OUTER JOIN pg_catalog.pg_description d ON t.oid=d.objoid"
          + " WHERE t.typname IS NOT NULL AND (c.relkind IS NULL OR c.relkind = 'c')"
          + " AND (et.typcategory IS NULL OR et.typcategory <> 'C')");
      check("pg_type lists int4 among " + types.size() + " types",
          types.stream().anyMatch(r -> "23".equals(r.get(0)) && r.contains("int4")));
    }
  }

  // ---- the runner ----

  static void scenario(String driver, String name, Body body) throws IOException {
    String reason = target.equals("redwire") ? known.get(driver + " " + name) : null;
    String outcome;
    String detail = "";
    try {
      body.run();
      outcome = "pass";
    } catch (Throwable t) {
      outcome = "fail";
      detail = t.toString();
    }
    String results = System.getenv("REDWIRE_DRIVERS_RESULTS");
    if (results != null && !results.isEmpty()) {
      try (FileWriter w = new FileWriter(results, true)) {
        w.write(driver + "\t" + name + "\t" + target + "\t" + outcome + "\n");
      }
    }
    if (reason == null && outcome.equals("pass")) {
      passed++;
      System.out.println("ok: " + driver + " " + name);
    } else if (reason == null) {
      unexpected++;
      System.out.println("FAIL: " + driver + " " + name + ": " + detail);
    } else if (outcome.equals("fail")) {
      xfailed++;
      System.out.println("xfail: " + driver + " " + name + " (" + reason + "): " + detail);
    } else {
      unexpected++;
      System.out.println("XPASS: " + driver + " " + name + " passes: remove it from known-failures");
    }
  }

  public static void main(String[] args) throws Exception {
    PGJDBC_LOG.setLevel(java.util.logging.Level.SEVERE);
    target = System.getenv().getOrDefault("REDWIRE_TEST_TARGET", "redwire");
    if (!target.equals("redwire") && !target.equals("direct")) {
      throw new IllegalArgumentException("REDWIRE_TEST_TARGET must be redwire or direct");
    }
    table = "drv_jdbc_items_" + target;
    Path kf = Path.of(args.length > 0 ? args[0] : "tests/drivers/known-failures");
    for (String line : Files.readAllLines(kf)) {
      String l = line.replaceAll("#.*", "").trim();
      if (!l.isEmpty()) {
        String[] f = l.split("\\s+", 3);
        known.put(f[0] + " " + f[1], f.length > 2 ? f[2] : "listed in known-failures");
      }
    }
    scenario("pgjdbc", "simple_mode", DriversJdbc::simpleMode);
    scenario("pgjdbc", "transaction_simple", () -> transaction("preferQueryMode=simple"));
    scenario("pgjdbc", "metadata_simple", () -> metadata("preferQueryMode=simple"));
    scenario("pgjdbc", "default_extended", DriversJdbc::defaultExtended);
    scenario("pgjdbc", "transaction", () -> transaction());
    scenario("pgjdbc", "binary_threshold1", DriversJdbc::binaryThreshold1);
    scenario("pgjdbc", "fetch_size", DriversJdbc::fetchSize);
    scenario("pgjdbc", "batch", DriversJdbc::batch);
    scenario("pgjdbc", "large_fetch", DriversJdbc::largeFetch);
    scenario("pgjdbc", "metadata", () -> metadata());
    scenario("pgjdbc", "describe_before_execute", DriversJdbc::describeBeforeExecute);
    scenario("pgjdbc", "describe_returning", DriversJdbc::describeReturning);
    scenario("pgjdbc", "autosave", DriversJdbc::autosave);
    scenario("pgjdbc", "query_timeout", DriversJdbc::queryTimeout);
    scenario("metabase", "startup_sync_simple", () -> metabase("preferQueryMode=simple"));
    scenario("metabase", "startup_sync", () -> metabase());
    scenario("dbeaver", "startup_simple", () -> dbeaver("preferQueryMode=simple"));
    scenario("dbeaver", "startup", () -> dbeaver());
    try (Connection c = connect("preferQueryMode=simple")) {
      exec(c, "drop table if exists " + table);
    }
    System.out.println(passed + " passed, " + unexpected + " failed, " + xfailed + " skipped");
    System.exit(unexpected == 0 ? 0 : 1);
  }
}
