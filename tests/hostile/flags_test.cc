// Flag values that cannot work are bad usage before any server starts: exit 2, the value named.
// Before: --statement-timeout abc started the embedded server and failed on the first session
// ("isolation probe, baseline: cannot set statement_timeout to 'abc'", exit 3); --jobs -1 and an
// unknown log_line_prefix escape were taken.
#include <catch2/catch.hpp>

#include "hostile_support.h"

namespace pgshadow::hostile {
namespace {

// A scenario that would start the embedded server if the flags were accepted.
Outcome verify_with(const TempDir& dir, std::vector<std::string> flags) {
  write_scenario(dir, "CREATE TABLE t (id int);\n", "ALTER TABLE t ADD COLUMN v int;\n",
                 {capture_event(1, "SELECT count(*) FROM t")});
  flags.insert(flags.begin(), {"verify", dir.path()});
  return run_pgshadow({flags});
}

}  // namespace

TEST_CASE("a statement timeout that is no duration is bad usage naming it, before any server starts", "[flags]") {
  TempDir dir;
  const Outcome run = verify_with(dir, {"--statement-timeout", "abc"});
  CHECK(run.exit_status == 2);
  CHECK(run.err ==
        "--statement-timeout: 'abc' is not a duration (a number with us, ms, s, min, h or d: 30s, 500ms, 2min; 0 "
        "for none)\nRun with --help for more information.\n");
}

TEST_CASE("a lock timeout that is no duration is bad usage naming it", "[flags]") {
  TempDir dir;
  const Outcome run = verify_with(dir, {"--lock-timeout", "5 seconds"});
  CHECK(run.exit_status == 2);
  CHECK(run.err ==
        "--lock-timeout: '5 seconds' is not a duration (a number with us, ms, s, min, h or d: 30s, 500ms, 2min; 0 "
        "for none)\nRun with --help for more information.\n");
}

TEST_CASE("a negative job count is bad usage naming it", "[flags]") {
  TempDir dir;
  const Outcome run = verify_with(dir, {"--jobs", "-1"});
  CHECK(run.exit_status == 2);
  CHECK(run.err == "--jobs: '-1' is not a count of sessions (a whole number, 0 or more)\n"
                   "Run with --help for more information.\n");
}

TEST_CASE("a log_line_prefix with an unknown escape is bad usage naming the escape", "[flags]") {
  TempDir dir;
  const Outcome verified = verify_with(dir, {"--log-line-prefix", "%m [%z] "});
  CHECK(verified.exit_status == 2);
  CHECK(verified.err ==
        "--log-line-prefix: %z (at character 5) is not a log_line_prefix escape (PostgreSQL 15 knows %a %u %d %r "
        "%h %b %p %P %t %m %n %i %e %c %l %s %v %x %q %Q %%)\nRun with --help for more information.\n");
  const Outcome captured = run_pgshadow({{"capture", dir.file("traffic"), "--stats", "--log-line-prefix", "%t %"}});
  CHECK(captured.exit_status == 2);
  CHECK(captured.err == "--log-line-prefix: a '%' without an escape letter (at character 4) ends the log_line_prefix\n"
                        "Run with --help for more information.\n");
}

TEST_CASE("durations PostgreSQL takes are accepted", "[flags]") {
  TempDir dir;
  // Accepted flags get as far as the connection (to nowhere): exit 3, not 2.
  dir.write("capture.jsonl", capture_header() + "\n" + capture_event(1, "SELECT 1") + "\n");
  for (const char* duration : {"30s", "1.5s", "500ms", "2min", "250", "0", "1 h"}) {
    INFO(duration);
    const Outcome run = run_pgshadow({{"verify", "--capture", dir.file("capture.jsonl"), "--baseline-dsn",
                                       "host=/nonexistent-pgshadow-socket dbname=b", "--shadow-dsn",
                                       "host=/nonexistent-pgshadow-socket dbname=s", "--statement-timeout", duration,
                                       "--lock-timeout", duration}});
    CHECK(run.exit_status == 3);
    CHECK_THAT(run.err, Catch::StartsWith("pgshadow: cannot connect to "));
  }
}

}  // namespace pgshadow::hostile
