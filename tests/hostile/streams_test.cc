// Inputs that can be read only once: a FIFO, standard input.
// Before: `verify --capture FIFO` hung (the file was read once for its digest, then opened
// again), `--capture -` was refused ("capture not found: -") although documented, and a
// migration FIFO was read three times (digest, parse check, apply).
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "hostile_support.h"

namespace pgshadow::hostile {
namespace {

const std::string kKeyedBaseline = "CREATE TABLE t (id int PRIMARY KEY, v text);\nINSERT INTO t VALUES (1, 'a'), (2, 'b');\n";

std::string three_statements() {
  return capture_header() + "\n" + capture_event(1, "SELECT id, v FROM t ORDER BY id") + "\n" +
         capture_event(2, "SELECT count(*) FROM t") + "\n" + capture_event(3, "SELECT v FROM t WHERE id = 2") + "\n";
}

// Writes `content` into a FIFO once a reader opens it (the writer's open blocks until then),
// from a thread; joined at the end.
class FifoFeeder {
 public:
  FifoFeeder(const std::string& fifo, std::string content) : fifo_(fifo) {
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    thread_ = std::thread([fifo, content = std::move(content)] {
      const int fd = open(fifo.c_str(), O_WRONLY);
      if (fd < 0) return;
      ssize_t ignored = write(fd, content.data(), content.size());
      (void)ignored;
      close(fd);
    });
  }
  ~FifoFeeder() {
    // A run that never opened the FIFO leaves the writer waiting in open(): let it go.
    const int fd = open(fifo_.c_str(), O_RDONLY | O_NONBLOCK);
    thread_.join();
    if (fd >= 0) close(fd);
  }

 private:
  std::string fifo_;
  std::thread thread_;
};

void expect_all_three_compared(const Outcome& run, const std::string& report_file) {
  INFO(run.out << run.err);
  REQUIRE_FALSE(run.hung);
  CHECK(run.exit_status == 0);
  const json report = json::parse(read_file(report_file));
  CHECK(report["accounting"]["events"] == 3);
  CHECK(report["accounting"]["compared"] == 3);
  CHECK(report["accounting"]["balanced"] == true);
}

}  // namespace

TEST_CASE("verify --capture FIFO reads the capture once and replays all of it", "[streams][server]") {
  TempDir dir;
  write_scenario(dir, kKeyedBaseline, "ALTER TABLE t ADD COLUMN w int;\n", {});
  FifoFeeder feeder(dir.file("capture.fifo"), three_statements());
  Run run({"verify", "--baseline", dir.file("baseline.sql"), "--migration", dir.file("migrations/001.sql"),
           "--capture", dir.file("capture.fifo"), "--report", dir.file("report.json")});
  run.deadline = std::chrono::seconds(180);
  expect_all_three_compared(run_pgshadow(run), dir.file("report.json"));
}

TEST_CASE("verify --capture - reads standard input once and replays all of it", "[streams][server]") {
  TempDir dir;
  write_scenario(dir, kKeyedBaseline, "ALTER TABLE t ADD COLUMN w int;\n", {});
  Run run({"verify", "--baseline", dir.file("baseline.sql"), "--migration", dir.file("migrations/001.sql"),
           "--capture", "-", "--report", dir.file("report.json")});
  run.standard_input = three_statements();
  run.deadline = std::chrono::seconds(180);
  expect_all_three_compared(run_pgshadow(run), dir.file("report.json"));
}

TEST_CASE("verify --migration FIFO applies the migration read once", "[streams][server]") {
  TempDir dir;
  write_scenario(dir, kKeyedBaseline, "", {capture_event(1, "SELECT * FROM t ORDER BY id")});
  // The migration drops a column SELECT * reads: a breaking finding only if it was applied.
  FifoFeeder feeder(dir.file("migration.fifo"), "ALTER TABLE t DROP COLUMN v;\n");
  Run run({"verify", "--baseline", dir.file("baseline.sql"), "--migration", dir.file("migration.fifo"), "--capture",
           dir.file("traffic/capture.jsonl"), "--report", dir.file("report.json")});
  run.deadline = std::chrono::seconds(180);
  const Outcome outcome = run_pgshadow(run);
  INFO(outcome.out << outcome.err);
  REQUIRE_FALSE(outcome.hung);
  CHECK(outcome.exit_status == 1);
  const json report = json::parse(read_file(dir.file("report.json")));
  CHECK(report["classes"]["columns_changed"] == 1);
}

TEST_CASE("a report written to a FIFO with a reader arrives whole", "[streams]") {
  TempDir dir;
  dir.write("report.json", R"({"pgshadow_report":1,"verdict":"safe","shapes":[],"accounting":{},"classes":{}})");
  REQUIRE(mkfifo(dir.file("out.fifo").c_str(), 0600) == 0);
  // The reader is there before pgshadow looks for one: opened without waiting for a writer, then
  // read until the writer has come and gone (POLLHUP).
  const int fd = open(dir.file("out.fifo").c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(fd >= 0);
  std::string received;
  std::thread reader([&] {
    char buffer[4096];
    for (;;) {
      pollfd readable{fd, POLLIN, 0};
      if (poll(&readable, 1, 100) <= 0) continue;
      const ssize_t n = read(fd, buffer, sizeof buffer);
      if (n > 0) received.append(buffer, static_cast<std::size_t>(n));
      if (n == 0 || (n < 0 && errno != EAGAIN)) break;
    }
  });
  const Outcome run = run_pgshadow({{"report", dir.file("report.json"), "--format", "json", "-o", dir.file("out.fifo")}});
  reader.join();
  close(fd);
  CHECK(run.exit_status == 0);
  CHECK(json::parse(received)["verdict"] == "safe");
}

}  // namespace pgshadow::hostile
