/* conf_help.c — the --help and --version texts. Static strings, so main prints them with one
 * call and the tests can check that every option is documented. */
#include "conf_internal.h"

#ifndef REDWIRE_VERSION
#error "REDWIRE_VERSION must be defined by the build (conf/CMakeLists.txt)"
#endif

const char *conf_version_text(void) {
  return "redwire " REDWIRE_VERSION;
}

const char *conf_help_text(void) {
  return "Usage: redwire [OPTION]...\n"
         "A PostgreSQL wire-protocol server that runs every statement on Amazon Redshift\n"
         "through the Redshift Data API.\n"
         "\n"
         "Options:\n"
         "  -c, --config FILE        read settings from FILE (INI; see redwire.ini.example)\n"
         "      --check-config       validate the configuration, print any problems, and exit\n"
         "      --listen ADDR:PORT   listen on ADDR:PORT ([IPV6]:PORT for IPv6 addresses)\n"
         "      --set SECTION.KEY=VALUE\n"
         "                           set any setting, e.g. --set aws.region=us-east-1\n"
         "                           (repeatable; later ones win)\n"
         "      --database NAME=SPEC add or replace a [databases] entry, e.g.\n"
         "                           --database 'dev=workgroup=my-wg database=dev'\n"
         "  -v, --verbose            log more: each -v raises log_level one step\n"
         "  -h, --help               print this help and exit\n"
         "  -V, --version            print the version and exit\n"
         "\n"
         "Precedence, lowest first: built-in defaults, the config file, the environment,\n"
         "the command line.\n"
         "\n"
         "Environment:\n"
         "  REDWIRE_<KEY>            a [redwire] setting, e.g. REDWIRE_LISTEN_PORT=5440\n"
         "  REDWIRE_AWS_<KEY>        an [aws] setting, e.g. REDWIRE_AWS_WAIT_TIME_SECONDS=10\n"
         "  AWS_REGION, AWS_DEFAULT_REGION                  [aws] region\n"
         "  AWS_ENDPOINT_URL_REDSHIFT_DATA, AWS_ENDPOINT_URL [aws] endpoint\n"
         "  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS             ignore the two above\n"
         "  AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT [aws] use_fips, use_dualstack\n"
         "  AWS_PROFILE, AWS_MAX_ATTEMPTS                   [aws] profile, max_attempts\n"
         "  REDWIRE_* and REDWIRE_AWS_* override the AWS_* names.\n"
         "\n"
         "Signals: SIGHUP reloads the configuration, SIGTERM drains, SIGINT stops fast.\n";
}
