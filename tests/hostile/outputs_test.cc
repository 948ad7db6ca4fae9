// Nothing lost: an output never destroys an input, a failed write never leaves a truncated or
// empty report, and a write that fails is an error.
// Before: `capture X.jsonl -o X.jsonl` wiped X to its header line; `--report` naming an input
// overwrote it; a report that could not be written left an empty file and exit 0 or 1;
// `capture --stats > /dev/full` exited 0.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "hostile_support.h"

namespace pgshadow::hostile {
namespace {

namespace fs = std::filesystem;

const std::string kTwoRowBaseline = "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1), (2);\n";

}  // namespace

TEST_CASE("capture -o naming its own input is refused and the input is intact", "[outputs]") {
  TempDir dir;
  const std::string capture = capture_header() + "\n" + capture_event(1, "SELECT 1") + "\n" + capture_event(2, "SELECT 2") + "\n";
  dir.write("x.jsonl", capture);
  const Outcome run = run_pgshadow({{"capture", dir.file("x.jsonl"), "-o", dir.file("x.jsonl")}});
  CHECK(run.exit_status == 2);
  CHECK(run.err == "pgshadow: -o " + dir.file("x.jsonl") + ": is also an input (" + dir.file("x.jsonl") +
                       "): refusing to overwrite it\n");
  CHECK(read_file(dir.file("x.jsonl")) == capture);
}

TEST_CASE("capture -o naming a file inside an input directory, or a hard link to an input, is refused", "[outputs]") {
  TempDir dir;
  const std::string capture = capture_header() + "\n" + capture_event(1, "SELECT 1") + "\n";
  dir.write("logs/a.jsonl", capture);
  fs::create_hard_link(dir.file("logs/a.jsonl"), dir.file("alias.jsonl"));
  const Outcome into_directory = run_pgshadow({{"capture", dir.file("logs"), "-o", dir.file("logs/a.jsonl")}});
  CHECK(into_directory.exit_status == 2);
  CHECK(into_directory.err == "pgshadow: -o " + dir.file("logs/a.jsonl") + ": is also an input (" + dir.file("logs") +
                                  "): refusing to overwrite it\n");
  const Outcome via_link = run_pgshadow({{"capture", dir.file("logs/a.jsonl"), "-o", dir.file("alias.jsonl")}});
  CHECK(via_link.exit_status == 2);
  CHECK_THAT(via_link.err, Catch::EndsWith("is also an input (" + dir.file("logs/a.jsonl") + "): refusing to overwrite it\n"));
  CHECK(read_file(dir.file("logs/a.jsonl")) == capture);
}

TEST_CASE("verify refuses a report that would overwrite an input, before any server starts", "[outputs]") {
  TempDir dir;
  write_scenario(dir, kTwoRowBaseline, "ALTER TABLE t ADD COLUMN v int;\n", {capture_event(1, "SELECT count(*) FROM t")});
  const std::string migration = read_file(dir.file("migrations/001.sql"));
  const Outcome report = run_pgshadow({{"verify", dir.path(), "--report", dir.file("baseline.sql")}});
  CHECK(report.exit_status == 2);
  CHECK(report.err == "pgshadow: --report " + dir.file("baseline.sql") + ": is also an input (" + dir.file("baseline.sql") +
                          "): refusing to overwrite it\n");
  const Outcome markdown = run_pgshadow({{"verify", dir.path(), "--markdown", dir.file("migrations/001.sql")}});
  CHECK(markdown.exit_status == 2);
  CHECK_THAT(markdown.err, Catch::StartsWith("pgshadow: --markdown " + dir.file("migrations/001.sql") + ": is also an input"));
  CHECK(read_file(dir.file("baseline.sql")) == kTwoRowBaseline);
  CHECK(read_file(dir.file("migrations/001.sql")) == migration);
}

TEST_CASE("report -o naming its input is refused and the input is intact", "[outputs]") {
  TempDir dir;
  const std::string saved = R"({"pgshadow_report":1,"verdict":"safe","shapes":[],"accounting":{},"classes":{}})";
  dir.write("r.json", saved);
  const Outcome run = run_pgshadow({{"report", dir.file("r.json"), "--format", "md", "-o", dir.file("r.json")}});
  CHECK(run.exit_status == 2);
  CHECK(run.err == "pgshadow: -o " + dir.file("r.json") + ": is also an input (" + dir.file("r.json") +
                       "): refusing to overwrite it\n");
  CHECK(read_file(dir.file("r.json")) == saved);
}

TEST_CASE("a capture refused for holding no statement leaves the -o file as it was, and no temporary file", "[outputs]") {
  TempDir dir;
  dir.write("earlier.jsonl", "an earlier capture\n");
  dir.write("x.jsonl", capture_header() + "\n");
  const Outcome run = run_pgshadow({{"capture", dir.file("x.jsonl"), "-o", dir.file("earlier.jsonl")}});
  CHECK(run.exit_status == 2);
  CHECK_THAT(run.err, Catch::StartsWith("pgshadow: no statement in the capture"));
  CHECK(read_file(dir.file("earlier.jsonl")) == "an earlier capture\n");
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    CHECK_THAT(entry.path().filename().string(), !Catch::Contains(".pgshadow-"));
  }
}

TEST_CASE("capture --stats to a full standard output is an error", "[outputs]") {
  TempDir dir;
  dir.write("x.jsonl", capture_header() + "\n" + capture_event(1, "SELECT 1") + "\n");
  Run run({"capture", dir.file("x.jsonl"), "--stats"});
  run.stdout_path = "/dev/full";
  const Outcome outcome = run_pgshadow(run);
  CHECK(outcome.exit_status == 3);
  CHECK(outcome.err == "pgshadow: cannot write to standard output: No space left on device\n");
}

TEST_CASE("a report that cannot be written for a full disk: exit 3, the cause named, the old report intact", "[outputs][server]") {
  SmallTmpfs disk(64 * 1024);
  if (!disk.mounted()) {
    WARN("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN): not run");
    return;
  }
  // An earlier run's report is there; the disk is then full.
  const std::string report = disk.path() + "/report.json";
  e2e::TempDir dir;
  { std::ofstream(report) << "{\"earlier\": true}\n"; }
  disk.fill();
  write_scenario(dir, kTwoRowBaseline, "ALTER TABLE t ADD COLUMN v int;\n", {capture_event(1, "SELECT count(*) FROM t")});
  const Outcome run = run_pgshadow({{"verify", dir.path(), "--report", report, "--markdown", disk.path() + "/report.md"}});
  INFO(run.out << run.err);
  CHECK(run.exit_status == 3);
  CHECK_THAT(run.err, Catch::Contains("pgshadow: cannot write " + report + " (--report): No space left on device\n"));
  CHECK_THAT(run.err, Catch::Contains("pgshadow: cannot write " + disk.path() + "/report.md (--markdown): No space left on device\n"));
  CHECK(read_file(report) == "{\"earlier\": true}\n");
  CHECK_FALSE(fs::exists(disk.path() + "/report.md"));  // no empty or partial file where it was expected
  CHECK_THAT(run.out, Catch::Contains("VERDICT: SAFE"));  // the summary is still printed
  for (const auto& entry : fs::directory_iterator(disk.path())) {
    CHECK_THAT(entry.path().filename().string(), !Catch::Contains(".pgshadow-"));  // no temporary file left
  }
}

}  // namespace pgshadow::hostile
