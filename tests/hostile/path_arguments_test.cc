// Every subcommand with a directory, a FIFO, /dev/null and an unreadable file for every path
// argument: each gives its exact message and exit status, nothing hangs, no exception escapes.
// Before: `verify --migration DIR` and `report DIR` aborted with an uncaught std::__ios_failure
// (SIGABRT), `verify --baseline DIR` started a server and failed in psql, outputs that are
// directories or FIFOs were found only after the run, `--allowlist DIR` and `--log-settings DIR`
// were read as empty files.
//
// verify runs point at servers that do not exist: a path that is accepted gets as far as the
// connection (exit 3, "cannot connect"), which proves it was taken without starting anything.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "hostile_support.h"

namespace pgshadow::hostile {
namespace {

namespace fs = std::filesystem;

enum class Kind { kDirectory, kFifo, kDevNull, kUnreadable };

constexpr const char* kNowhere = "host=/nonexistent-pgshadow-socket port=5432 dbname=";
const std::string kConnectFailure =
    "pgshadow: cannot connect to dbname=baseline host=/nonexistent-pgshadow-socket port=5432 to ask which server it is "
    "(--baseline-dsn)";

// Everything a command needs, readable by user nobody, plus one path of each kind.
class Fixture {
 public:
  Fixture() {
    fs::permissions(dir_.path(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::group_read |
                                     fs::perms::others_exec | fs::perms::others_read);
    dir_.write("base.sql", "CREATE TABLE t (id int);\n");
    dir_.write("migration.sql", "ALTER TABLE t ADD COLUMN v int;\n");
    dir_.write("capture.jsonl", capture_header() + "\n" + capture_event(1, "SELECT 1") + "\n");
    dir_.write("report.json", R"({"pgshadow_report":1,"verdict":"safe","shapes":[],"accounting":{},"classes":{}})");
    fs::create_directory(dir_.file("a-directory"));
    REQUIRE(mkfifo(dir_.file("a-fifo").c_str(), 0666) == 0);
    dir_.write("unreadable", "secret\n");
    fs::permissions(dir_.file("unreadable"), fs::perms::none);
  }

  std::string file(const std::string& name) const { return dir_.file(name); }
  std::string path_of(Kind kind) const {
    switch (kind) {
      case Kind::kDirectory: return dir_.file("a-directory");
      case Kind::kFifo: return dir_.file("a-fifo");
      case Kind::kDevNull: return "/dev/null";
      case Kind::kUnreadable: return dir_.file("unreadable");
    }
    return {};
  }

 private:
  TempDir dir_;
};

// Writes `content` into the FIFO if and when a reader opens it, until `stop` is set.
class FifoWriter {
 public:
  FifoWriter(std::string fifo, std::string content)
      : thread_([this, fifo = std::move(fifo), content = std::move(content)] {
          while (!stop_) {
            const int fd = open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
            if (fd < 0) {
              std::this_thread::sleep_for(std::chrono::milliseconds(20));
              continue;
            }
            fcntl(fd, F_SETFL, 0);
            ssize_t ignored = write(fd, content.data(), content.size());
            (void)ignored;
            close(fd);
            return;
          }
        }) {}
  ~FifoWriter() {
    stop_ = true;
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct Case {
  std::string name;
  // The command line with the path in its slot.
  std::function<std::vector<std::string>(const Fixture&, const std::string& path)> command;
  Kind kind;
  int exit_status;
  std::function<std::string(const std::string& path)> message;  // the first line of stderr
  std::string fifo_content = {};  // what a writer puts in the FIFO, when the command reads it
};

std::vector<std::string> verify_base(const Fixture&) {
  return {"verify", "--baseline-dsn", std::string(kNowhere) + "baseline", "--shadow-dsn", std::string(kNowhere) + "shadow"};
}

std::vector<std::string> with(std::vector<std::string> base, std::initializer_list<std::string> more) {
  base.insert(base.end(), more);
  return base;
}

auto verify_slot(const std::string& flag) {
  return [flag](const Fixture& f, const std::string& path) {
    std::vector<std::string> args = verify_base(f);
    if (flag != "--capture") args = with(args, {"--capture", f.file("capture.jsonl")});
    if (flag != "--migration") args = with(args, {"--migration", f.file("migration.sql")});
    if (flag != "--baseline") args = with(args, {"--baseline", f.file("base.sql")});
    return with(args, {flag, path});
  };
}

auto says(const std::string& prefix, const std::string& suffix) {
  return [prefix, suffix](const std::string& path) { return prefix + path + suffix; };
}

auto literally(const std::string& text) {
  return [text](const std::string&) { return text; };
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::vector<Case> cases() {
  const std::string capture_text = capture_header() + "\n" + capture_event(1, "SELECT 1") + "\n";
  std::vector<Case> all;
  const auto add = [&](Case c) { all.push_back(std::move(c)); };
  // verify --baseline: a regular file, read by psql or pg_restore by name.
  add({"verify --baseline", verify_slot("--baseline"), Kind::kDirectory, 2, says("pgshadow: --baseline ", ": is a directory")});
  add({"verify --baseline", verify_slot("--baseline"), Kind::kFifo, 2, says("pgshadow: --baseline ", ": not a regular file (a FIFO)")});
  add({"verify --baseline", verify_slot("--baseline"), Kind::kDevNull, 2,
       says("pgshadow: --baseline ", ": not a regular file (a character device)")});
  add({"verify --baseline", verify_slot("--baseline"), Kind::kUnreadable, 2, says("pgshadow: --baseline ", ": Permission denied")});
  // verify --migration: a file, a stream read once, or a directory of .sql files.
  add({"verify --migration", verify_slot("--migration"), Kind::kDirectory, 2,
       says("pgshadow: --migration ", ": no .sql file in the directory")});
  add({"verify --migration", verify_slot("--migration"), Kind::kFifo, 3, literally(kConnectFailure), "SELECT 1;\n"});
  add({"verify --migration", verify_slot("--migration"), Kind::kDevNull, 3, literally(kConnectFailure)});
  add({"verify --migration", verify_slot("--migration"), Kind::kUnreadable, 2, says("pgshadow: --migration ", ": Permission denied")});
  // verify --capture: a file, a stream read once, or a directory of logs.
  add({"verify --capture", verify_slot("--capture"), Kind::kDirectory, 2, says("pgshadow: no log or capture files in ",
            " (PostgreSQL csvlog, jsonlog, stderr or syslog logs, or .jsonl captures, plain or .gz, .bz2, .xz)")});
  add({"verify --capture", verify_slot("--capture"), Kind::kFifo, 3, literally(kConnectFailure), capture_text});
  add({"verify --capture", verify_slot("--capture"), Kind::kDevNull, 2,
       literally("pgshadow: /dev/null:1: no known log_line_prefix matches this log; give --log-line-prefix. First line "
                 "(the file is empty)")});
  add({"verify --capture", verify_slot("--capture"), Kind::kUnreadable, 2, says("pgshadow: --capture ", ": Permission denied")});
  // verify SCENARIO_DIR
  const auto scenario = [](const Fixture& f, const std::string& path) { return with(verify_base(f), {path}); };
  add({"verify SCENARIO", scenario, Kind::kDirectory, 2, says("pgshadow: capture not found: ", "/traffic")});
  add({"verify SCENARIO", scenario, Kind::kFifo, 2, says("pgshadow: scenario ", ": not a directory")});
  add({"verify SCENARIO", scenario, Kind::kDevNull, 2, says("pgshadow: scenario ", ": not a directory")});
  add({"verify SCENARIO", scenario, Kind::kUnreadable, 2, says("pgshadow: scenario ", ": not a directory")});
  // verify --pg-bin: a directory (unused with DSNs, so an empty one gets as far as connecting).
  for (Kind kind : {Kind::kFifo, Kind::kDevNull, Kind::kUnreadable}) {
    add({"verify --pg-bin", verify_slot("--pg-bin"), kind, 2, says("pgshadow: --pg-bin ", ": not a directory")});
  }
  add({"verify --pg-bin", verify_slot("--pg-bin"), Kind::kDirectory, 3, literally(kConnectFailure)});
  // verify --allowlist and --log-settings: regular files.
  for (const std::string flag : {"--allowlist", "--log-settings"}) {
    add({"verify " + flag, verify_slot(flag), Kind::kDirectory, 2, says("pgshadow: " + flag + " ", ": is a directory")});
    add({"verify " + flag, verify_slot(flag), Kind::kFifo, 2, says("pgshadow: " + flag + " ", ": not a regular file (a FIFO)")});
    add({"verify " + flag, verify_slot(flag), Kind::kDevNull, 2,
         says("pgshadow: " + flag + " ", ": not a regular file (a character device)")});
    add({"verify " + flag, verify_slot(flag), Kind::kUnreadable, 2, says("pgshadow: " + flag + " ", ": Permission denied")});
  }
  // verify's reports: checked before the run; /dev/null is written in place.
  for (const std::string flag : {"--report", "--junit", "--markdown", "--html"}) {
    add({"verify " + flag, verify_slot(flag), Kind::kDirectory, 2, says("pgshadow: " + flag + " ", ": is a directory")});
    add({"verify " + flag, verify_slot(flag), Kind::kFifo, 2, says("pgshadow: " + flag + " ", ": a FIFO with no reader")});
    add({"verify " + flag, verify_slot(flag), Kind::kDevNull, 3, literally(kConnectFailure)});
    add({"verify " + flag, verify_slot(flag), Kind::kUnreadable, 2, says("pgshadow: " + flag + " ", ": Permission denied")});
  }
  add({"verify --report-dir", verify_slot("--report-dir"), Kind::kDirectory, 3, literally(kConnectFailure)});
  for (Kind kind : {Kind::kFifo, Kind::kDevNull, Kind::kUnreadable}) {
    add({"verify --report-dir", verify_slot("--report-dir"), kind, 2, says("pgshadow: --report-dir ", ": not a directory")});
  }
  // capture LOG...: files, streams, directories of logs.
  const auto capture_input = [](const Fixture&, const std::string& path) {
    return std::vector<std::string>{"capture", path, "--stats"};
  };
  add({"capture LOG", capture_input, Kind::kDirectory, 2, says("pgshadow: no log or capture files in ",
            " (PostgreSQL csvlog, jsonlog, stderr or syslog logs, or .jsonl captures, plain or .gz, .bz2, .xz)")});
  add({"capture LOG", capture_input, Kind::kFifo, 0, says("capture    capture: ", "\ntime span  2026-11-23T10:00:01Z"),
       capture_text});
  add({"capture LOG", capture_input, Kind::kDevNull, 2,
       literally("pgshadow: /dev/null:1: no known log_line_prefix matches this log; give --log-line-prefix. First line "
                 "(the file is empty)")});
  add({"capture LOG", capture_input, Kind::kUnreadable, 2, says("pgshadow: capture ", ": Permission denied")});
  const auto capture_output = [](const Fixture& f, const std::string& path) {
    return std::vector<std::string>{"capture", f.file("capture.jsonl"), "-o", path};
  };
  add({"capture -o", capture_output, Kind::kDirectory, 2, says("pgshadow: -o ", ": is a directory")});
  add({"capture -o", capture_output, Kind::kFifo, 2, says("pgshadow: -o ", ": a FIFO with no reader")});
  add({"capture -o", capture_output, Kind::kDevNull, 0, literally("")});
  add({"capture -o", capture_output, Kind::kUnreadable, 2, says("pgshadow: -o ", ": Permission denied")});
  const auto capture_settings = [](const Fixture& f, const std::string& path) {
    return std::vector<std::string>{"capture", f.file("capture.jsonl"), "--stats", "--log-settings", path};
  };
  add({"capture --log-settings", capture_settings, Kind::kDirectory, 2, says("pgshadow: --log-settings ", ": is a directory")});
  add({"capture --log-settings", capture_settings, Kind::kFifo, 2,
       says("pgshadow: --log-settings ", ": not a regular file (a FIFO)")});
  add({"capture --log-settings", capture_settings, Kind::kDevNull, 2,
       says("pgshadow: --log-settings ", ": not a regular file (a character device)")});
  add({"capture --log-settings", capture_settings, Kind::kUnreadable, 2, says("pgshadow: --log-settings ", ": Permission denied")});
  // report FILE.json [-o FILE]
  const auto report_input = [](const Fixture&, const std::string& path) {
    return std::vector<std::string>{"report", path, "--format", "json"};
  };
  add({"report FILE", report_input, Kind::kDirectory, 2, says("pgshadow: report ", ": is a directory")});
  add({"report FILE", report_input, Kind::kFifo, 2, says("pgshadow: ", ": not a pgshadow JSON report (no 'pgshadow_report' field)"),
       "{}"});
  add({"report FILE", report_input, Kind::kDevNull, 2,
       literally("pgshadow: /dev/null: not valid JSON ([json.exception.parse_error.101] parse error at line 1, column 1: "
                 "syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal)")});
  add({"report FILE", report_input, Kind::kUnreadable, 2, says("pgshadow: report ", ": Permission denied")});
  const auto report_output = [](const Fixture& f, const std::string& path) {
    return std::vector<std::string>{"report", f.file("report.json"), "--format", "json", "-o", path};
  };
  add({"report -o", report_output, Kind::kDirectory, 2, says("pgshadow: -o ", ": is a directory")});
  add({"report -o", report_output, Kind::kFifo, 2, says("pgshadow: -o ", ": a FIFO with no reader")});
  add({"report -o", report_output, Kind::kDevNull, 0, literally("")});
  add({"report -o", report_output, Kind::kUnreadable, 2, says("pgshadow: -o ", ": Permission denied")});
  return all;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::kDirectory: return "a directory";
    case Kind::kFifo: return "a FIFO";
    case Kind::kDevNull: return "/dev/null";
    case Kind::kUnreadable: return "an unreadable file";
  }
  return "?";
}

}  // namespace

TEST_CASE("every path argument of every subcommand: directory, FIFO, /dev/null, unreadable file", "[paths]") {
  const Fixture fixture;
  for (const Case& c : cases()) {
    const std::string path = fixture.path_of(c.kind);
    DYNAMIC_SECTION(c.name << " with " << kind_name(c.kind)) {
      Run run(c.command(fixture, path));
      // Root reads every file: the unreadable case runs as user nobody (so do the others, alike).
      run.unprivileged = c.kind == Kind::kUnreadable;
      run.deadline = std::chrono::seconds(60);
      std::optional<FifoWriter> writer;
      if (c.kind == Kind::kFifo && !c.fifo_content.empty()) writer.emplace(path, c.fifo_content);
      const Outcome outcome = run_pgshadow(run);
      INFO("stdout: " << outcome.out << "\nstderr: " << outcome.err);
      CHECK_FALSE(outcome.hung);
      CHECK(outcome.exit_status == c.exit_status);
      const std::string expected = c.message(path);
      if (c.exit_status == 0) {
        CHECK_THAT(outcome.out, Catch::StartsWith(expected));
      } else if (expected == kConnectFailure) {  // accepted: the rest is libpq's message
        CHECK_THAT(first_line(outcome.err), Catch::StartsWith(expected + ": "));
      } else {
        CHECK(first_line(outcome.err) == expected);
      }
      CHECK_THAT(outcome.err, !Catch::Contains("internal error") && !Catch::Contains("terminate called"));
      CHECK_THAT(outcome.err, !Catch::Contains("starting two embedded PostgreSQL"));
    }
  }
}

}  // namespace pgshadow::hostile
