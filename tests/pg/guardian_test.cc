// The guardian removes an embedded cluster when the process that started it dies without
// doing so itself. Each test forks a child that starts a server and is then killed.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "pg_test_support.h"
#include "pgshadow/pg/embedded_server.h"

using pgshadow::pg::EmbeddedServer;
using pgshadow::pg::EmbeddedServerOptions;
using pgshadow::pg::testing::eventually;
using pgshadow::pg::testing::processes_mentioning;
using pgshadow::pg::testing::ScratchDir;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct ServerInChild {
  pid_t pid = -1;
  std::string directory;  // or "error: ..." when the child could not start the server
};

// Forks a child (leader of its own process group, like a shell job) that starts a server
// under parent_dir, reports its directory, and waits to be killed.
ServerInChild start_server_in_child(const std::string& parent_dir) {
  int report[2];
  REQUIRE(pipe(report) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setpgid(0, 0);
    // Die of the signals the way pgshadow without handlers would, not through Catch's handlers.
    for (int sig : {SIGINT, SIGTERM}) signal(sig, SIG_DFL);
    close(report[0]);
    EmbeddedServerOptions options;
    options.parent_dir = parent_dir;
    auto started = EmbeddedServer::start(options);
    std::string message = started.ok() ? (*started)->directory()
                                       : "error: " + started.error().message;
    ssize_t ignored = write(report[1], message.data(), message.size());
    (void)ignored;
    close(report[1]);
    for (;;) pause();
  }
  close(report[1]);
  std::string directory;
  char buffer[4096];
  for (ssize_t n; (n = read(report[0], buffer, sizeof buffer)) > 0;) {
    directory.append(buffer, static_cast<std::size_t>(n));
  }
  close(report[0]);
  return {pid, directory};
}

bool server_gone(const std::string& directory) {
  return processes_mentioning(directory) == 0 && !fs::exists(directory);
}

void kill_and_expect_cleanup(int signal_number, bool whole_process_group) {
  ScratchDir parent;
  auto child = start_server_in_child(parent.path());
  REQUIRE_THAT(child.directory, Catch::StartsWith(parent.path() + "/pgshadow-"));
  REQUIRE(processes_mentioning(child.directory) >= 1);  // the postmaster runs

  REQUIRE(kill(whole_process_group ? -child.pid : child.pid, signal_number) == 0);
  int status = 0;
  REQUIRE(waitpid(child.pid, &status, 0) == child.pid);
  CHECK(WIFSIGNALED(status));
  CHECK(eventually([&] { return server_gone(child.directory); }, 10s));
  CHECK(processes_mentioning(child.directory) == 0);
  CHECK_FALSE(fs::exists(child.directory));
  CHECK(parent.empty());
}

}  // namespace

TEST_CASE("the guardian removes the server of a process killed with SIGKILL") {
  kill_and_expect_cleanup(SIGKILL, false);
}

TEST_CASE("the guardian removes the server of a process killed with SIGTERM") {
  kill_and_expect_cleanup(SIGTERM, false);
}

TEST_CASE("the guardian survives a Ctrl-C (SIGINT to the process group) and cleans up") {
  kill_and_expect_cleanup(SIGINT, true);
}
