package org.linecommerce.runtime.persistence;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which database the node uses: embedded H2 files under {@code data-dir} (the default) or
 * PostgreSQL at {@code url}. Read from {@code linecommerce.db}.
 */
public record DatabaseSettings(Profile profile, String url, String user, String password, int poolSize) {

  public enum Profile {
    H2("org.h2.Driver", "slick.jdbc.H2Profile$", "h2-dialect", "h2"),
    POSTGRES("org.postgresql.Driver", "slick.jdbc.PostgresProfile$", "postgres-dialect", "postgres");

    public final String driver;
    public final String slickProfile;
    public final String projectionDialect;
    /** folder of this profile's migrations under {@code db/migration}. */
    public final String migrations;

    Profile(String driver, String slickProfile, String projectionDialect, String migrations) {
      this.driver = driver;
      this.slickProfile = slickProfile;
      this.projectionDialect = projectionDialect;
      this.migrations = migrations;
    }
  }

  /** H2 needs lower-case identifiers to find the durable-state table (DEPENDENCIES.md, trap 4). */
  static final String H2_OPTIONS = ";DATABASE_TO_UPPER=false";

  public static DatabaseSettings fromConfig(Config db) {
    String profileName = db.getString("profile").trim().toLowerCase(Locale.ROOT);
    Profile profile =
        switch (profileName) {
          case "h2" -> Profile.H2;
          case "postgres", "postgresql" -> Profile.POSTGRES;
          default -> throw new IllegalArgumentException(
              "DB_PROFILE must be 'h2' or 'postgres', not '" + profileName + "'");
        };
    String url = db.getString("url").trim();
    if (url.isEmpty()) {
      if (profile == Profile.POSTGRES) {
        throw new IllegalArgumentException(
            "DB_PROFILE=postgres needs DB_URL (e.g. jdbc:postgresql://127.0.0.1:5432/linecommerce)");
      }
      Path dir = Path.of(db.getString("data-dir")).toAbsolutePath().normalize();
      // AUTO_SERVER lets several local node processes share the embedded files
      url = "jdbc:h2:file:" + dir.resolve("linecommerce") + H2_OPTIONS + ";AUTO_SERVER=TRUE";
    } else if (profile == Profile.H2 && !url.toUpperCase(Locale.ROOT).contains("DATABASE_TO_UPPER")) {
      url = url + H2_OPTIONS;
    }
    return new DatabaseSettings(
        profile, url, db.getString("user"), db.getString("password"), db.getInt("pool-size"));
  }

  /** The URL without credentials or options, fit for a log line. */
  public String describe() {
    int semicolon = url.indexOf(';');
    int question = url.indexOf('?');
    int cut = semicolon >= 0 ? semicolon : (question >= 0 ? question : url.length());
    return url.substring(0, cut);
  }

  @Override
  public String toString() {
    return "DatabaseSettings[" + profile + " " + describe() + "]";
  }
}
