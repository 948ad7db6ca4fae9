// The embedded server's disk filling up is an infrastructure failure that names the cause, and
// leaves nothing behind. The disk is a tmpfs of 60 MiB mounted for the test (TMPDIR of the run):
// initdb and the server fit, the baseline or its clones do not.
// Before: a baseline load that ran out of space was "bad input" (exit 2) blaming the baseline.
#include <catch2/catch.hpp>

#include "hostile_support.h"

namespace pgshadow::hostile {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kDiskBytes = 60ull << 20;

Outcome verify_on_small_disk(const SmallTmpfs& disk, int rows) {
  TempDir dir;
  write_scenario(dir, "CREATE TABLE big AS SELECT g, repeat('x', 1000) AS pad FROM generate_series(1, " +
                          std::to_string(rows) + ") g;\n",
                 "ALTER TABLE big ADD COLUMN v int;\n", {capture_event(1, "SELECT count(*) FROM big")});
  Run run({"verify", dir.path()});
  run.environment = {"TMPDIR=" + disk.path()};
  return run_pgshadow(run);
}

}  // namespace

TEST_CASE("the disk filling up while the baseline loads is exit 3 naming the cause", "[disk][server]") {
  SmallTmpfs disk(kDiskBytes);
  if (!disk.mounted()) {
    WARN("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN): not run");
    return;
  }
  const Outcome run = verify_on_small_disk(disk, 200'000);  // about 220 MB
  INFO(run.err);
  CHECK(run.exit_status == 3);
  CHECK_THAT(run.err, Catch::Contains("pgshadow: the server ran out of disk space loading the baseline "));
  CHECK_THAT(run.err, Catch::Contains("No space left on device"));
  CHECK(eventually([&] { return std::filesystem::is_empty(disk.path()); }, 30s));
}

TEST_CASE("the disk filling up while the baseline is cloned is exit 3 naming the cause", "[disk][server]") {
  SmallTmpfs disk(kDiskBytes);
  if (!disk.mounted()) {
    WARN("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN): not run");
    return;
  }
  const Outcome run = verify_on_small_disk(disk, 8'000);  // about 9 MB: it loads, its clones do not fit
  INFO(run.err);
  CHECK(run.exit_status == 3);
  // Where it fills (the copy, or the server's own writes after the load) depends on the
  // filesystem; the cause is named either way.
  CHECK_THAT(run.err, Catch::Contains("No space left on device"));
  CHECK(eventually([&] { return std::filesystem::is_empty(disk.path()); }, 30s));
}

}  // namespace pgshadow::hostile
