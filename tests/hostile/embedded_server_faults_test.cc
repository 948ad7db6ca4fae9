// Faults of the embedded server and of its guardian: nothing left behind, nothing sent to a
// server that is gone, the exit status and the summary kept.
// Before: SIGKILL of pgshadow during initdb, or of the postmaster, leaked a System V segment and
// /dev/shm/PostgreSQL.* files each time; after the postmaster died the replay went on sending to
// it (17 s on the capture); a dead guardian turned the exit into 141 (SIGPIPE) and the
// summary was lost.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <thread>

#include "hostile_support.h"

namespace pgshadow::hostile {
namespace {

using namespace std::chrono_literals;

template <class T>
std::set<T> added(const std::set<T>& before, const std::set<T>& after) {
  std::set<T> result;
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::inserter(result, result.end()));
  return result;
}

pid_t guardian_of(pid_t pgshadow) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (read_file(entry.path().string() + "/comm") != "pgshadow-guard\n") continue;
    const std::string stat = read_file(entry.path().string() + "/stat");
    std::istringstream rest(stat.substr(stat.rfind(')') + 1));
    std::string state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == pgshadow) return std::stoi(name);
  }
  return 0;
}

}  // namespace

TEST_CASE("SIGKILL of pgshadow during initdb leaves no shared memory, process or directory", "[shm][server]") {
  const LeftBehind before = left_behind();
  ServerParent parent;
  TempDir dir;
  write_scenario(dir, "CREATE TABLE t (id int);\n", "ALTER TABLE t ADD COLUMN v int;\n", {capture_event(1, "SELECT 1")});
  Run command({"verify", dir.path()});
  command.environment = {"TMPDIR=" + parent.path()};
  RunningPgshadow run(command);
  // initdb (its -D names the private directory) runs a backend of its own: bootstrap or single-user.
  REQUIRE(eventually([&] {
    for (pid_t pid : processes_mentioning(parent.path())) {
      if (read_file("/proc/" + std::to_string(pid) + "/comm") == "initdb\n" && !children_command_lines(pid).empty()) return true;
    }
    return false;
  }, 60s));
  kill(run.pid(), SIGKILL);
  run.wait(10s);
  CHECK(eventually([&] { return parent.empty() && processes_mentioning(parent.path()).empty(); }, 90s));
  // Segments are system-wide: another test's killed server may own one for the moment its
  // guardian needs to remove it. Ours must be gone, and theirs go too: poll, with a deadline.
  CHECK(eventually([&] { return added(before.orphaned_segments, left_behind().orphaned_segments).empty(); }, 30s));
  CHECK(eventually([&] { return added(before.orphaned_shm_files, left_behind().orphaned_shm_files).empty(); }, 30s));
}

TEST_CASE("the postmaster killed mid-replay: the replay stops at once, the rest failed with the reason, nothing left", "[shm][server]") {
  const LeftBehind before = left_behind();
  ServerParent parent;
  TempDir dir;
  // The test kills the postmaster (SIGKILL, as the OOM killer would) while the first statement
  // sleeps; a hundred more statements follow in other sessions.
  std::vector<std::string> events = {capture_event(1, "SELECT count(*) FROM t", "a"),
                                     capture_event(2, "SELECT pg_sleep(5)", "a")};
  for (int i = 0; i < 100; ++i) events.push_back(capture_event(10 + i, "SELECT count(*) FROM t", "s" + std::to_string(i)));
  events.push_back(capture_event(120, "SELECT 1", "a"));
  write_scenario(dir, "CREATE TABLE t (id int);\n", "ALTER TABLE t ADD COLUMN v int;\n", events);
  Run command({"verify", dir.path(), "--report", dir.file("report.json")});
  command.environment = {"TMPDIR=" + parent.path()};
  RunningPgshadow run(command);
  pid_t postmaster = 0;
  // Either cluster's postmaster: the capture's database ("app") on both.
  REQUIRE(eventually([&] {
    postmaster = postmaster_running(parent.path(), " app [local] SELECT");
    return postmaster != 0;
  }, 90s));
  kill(postmaster, SIGKILL);
  const Outcome outcome = run.wait(180s);
  INFO(outcome.out << outcome.err);
  CHECK(outcome.exit_status == 3);
  const json report = json::parse(read_file(dir.file("report.json")));
  CHECK(report["accounting"]["events"] == 103);
  CHECK(report["accounting"]["balanced"] == true);
  // Everything after the kill failed, with the reason: the hundred later statements were not
  // sent (before, each one tried to connect to the dead server).
  std::uint64_t not_replayed = 0;
  for (const auto& [reason, count] : report["accounting"]["failed_by_reason"].items()) {
    if (reason.starts_with("not replayed: the ") && reason.ends_with(" server no longer answers connections")) {
      not_replayed += count.get<std::uint64_t>();
    }
  }
  CHECK(not_replayed >= 100);
  CHECK(report["accounting"]["compared"].get<int>() + report["accounting"]["failed"].get<int>() == 103);
  CHECK(eventually([&] { return parent.empty() && processes_mentioning(parent.path()).empty(); }, 60s));
  // The killed postmaster's System V segment and dynamic shared memory are gone with it.
  // Segments are system-wide: another test's killed server may own one for the moment its
  // guardian needs to remove it. Ours must be gone, and theirs go too: poll, with a deadline.
  CHECK(eventually([&] { return added(before.orphaned_segments, left_behind().orphaned_segments).empty(); }, 30s));
  CHECK(eventually([&] { return added(before.orphaned_shm_files, left_behind().orphaned_shm_files).empty(); }, 30s));
}

TEST_CASE("a dead guardian changes neither the exit status nor the summary", "[guardian][server]") {
  ServerParent parent;
  TempDir dir;
  write_scenario(dir, "CREATE TABLE t (id int);\n", "ALTER TABLE t ADD COLUMN v int;\n",
                 {capture_event(1, "SELECT pg_sleep(3)"), capture_event(5, "SELECT count(*) FROM t")});
  Run command({"verify", dir.path(), "--no-color"});
  command.environment = {"TMPDIR=" + parent.path()};
  RunningPgshadow run(command);
  pid_t guardian = 0;
  REQUIRE(eventually([&] { return (guardian = guardian_of(run.pid())) != 0; }, 60s));
  kill(guardian, SIGKILL);
  const Outcome outcome = run.wait(180s);
  INFO(outcome.out << outcome.err);
  CHECK(outcome.exit_status == 0);
  CHECK_THAT(outcome.out, Catch::Contains("VERDICT: SAFE"));
  CHECK(eventually([&] { return parent.empty() && processes_mentioning(parent.path()).empty(); }, 60s));
}

}  // namespace pgshadow::hostile
