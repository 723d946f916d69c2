// JdbcLogin — logs in through pgjdbc and prints the answer to one query (e2e_userlist).
// Run as a single-file program: java -cp /usr/share/java/postgresql.jar JdbcLogin.java URL USER
// PASSWORD SQL. Exit status 0 with the value on stdout, or 1 with the SQLSTATE and message.
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

public class JdbcLogin {
  public static void main(String[] args) {
    Properties p = new Properties();
    p.setProperty("user", args[1]);
    p.setProperty("password", args[2]);
    try (Connection c = DriverManager.getConnection(args[0], p);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(args[3])) {
      r.next();
      System.out.println(r.getString(1));
    } catch (SQLException e) {
      System.out.println("error " + e.getSQLState() + " " + e.getMessage());
      System.exit(1);
    }
  }
}
