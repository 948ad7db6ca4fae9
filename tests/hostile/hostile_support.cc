#include "hostile_support.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace pgshadow::hostile {
namespace {

namespace fs = std::filesystem;

// PGSHADOW_BINARY_UNDER_TEST runs the suite against another build (an older one, to see which
// cases it fails), else the binary of this build.
std::string binary_under_test() {
  const char* other = std::getenv("PGSHADOW_BINARY_UNDER_TEST");
  return other != nullptr && *other != '\0' ? other : PGSHADOW_BINARY;
}

[[noreturn]] void exec_pgshadow(const Run& run, int input_fd, const std::string& out, const std::string& err) {
  setpgid(0, 0);
  const int out_fd = run.stdout_path.empty() ? open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600)
                                             : open(run.stdout_path.c_str(), O_WRONLY);
  const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (input_fd >= 0) dup2(input_fd, STDIN_FILENO);
  dup2(out_fd, STDOUT_FILENO);
  dup2(err_fd, STDERR_FILENO);
  for (const auto& entry : run.environment) putenv(strdup(entry.c_str()));
  if (!run.working_dir.empty() && chdir(run.working_dir.c_str()) != 0) _exit(126);
  if (run.unprivileged) {
    const passwd* nobody = getpwnam("nobody");
    if (nobody == nullptr || setgroups(0, nullptr) != 0 || setgid(nobody->pw_gid) != 0 || setuid(nobody->pw_uid) != 0) {
      _exit(125);
    }
  }
  std::vector<char*> argv;
  std::string binary = binary_under_test();
  argv.push_back(binary.data());
  std::vector<std::string> copies = run.arguments;
  for (auto& argument : copies) argv.push_back(argument.data());
  argv.push_back(nullptr);
  execv(binary.c_str(), argv.data());
  _exit(127);
}

}  // namespace

RunningPgshadow::RunningPgshadow(const Run& run) {
  int input[2] = {-1, -1};
  if (run.standard_input && pipe(input) != 0) throw std::runtime_error("pipe failed");
  // The outputs are readable by nobody too, for unprivileged runs.
  fs::permissions(outputs_.path(), fs::perms::owner_all | fs::perms::others_all);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    if (input[1] >= 0) close(input[1]);
    exec_pgshadow(run, input[0], outputs_.file("stdout"), outputs_.file("stderr"));
  }
  setpgid(pid_, pid_);
  if (run.standard_input) {
    close(input[0]);
    // Written from a thread: a reader that never reads must not block the test.
    std::thread([fd = input[1], text = *run.standard_input] {
      ::signal(SIGPIPE, SIG_IGN);
      std::size_t written = 0;
      while (written < text.size()) {
        const ssize_t n = write(fd, text.data() + written, text.size() - written);
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
      }
      close(fd);
    }).detach();
  }
}

RunningPgshadow::~RunningPgshadow() {
  if (!waited_ && pid_ > 0) {
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void RunningPgshadow::signal(int signal_number) const { kill(pid_, signal_number); }

Outcome RunningPgshadow::wait(std::chrono::seconds deadline) {
  Outcome outcome;
  int status = 0;
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (std::chrono::steady_clock::now() >= until) {
      outcome.hung = true;
      kill(-pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  waited_ = true;
  outcome.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  outcome.out = read_file(outputs_.file("stdout"));
  outcome.err = read_file(outputs_.file("stderr"));
  return outcome;
}

Outcome run_pgshadow(const Run& run) {
  RunningPgshadow running(run);
  return running.wait(run.deadline);
}

bool eventually(const std::function<bool()>& condition, std::chrono::seconds within) {
  const auto until = std::chrono::steady_clock::now() + within;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

std::string capture_header() { return R"({"pgshadow_capture":1})"; }

std::string capture_event(int second, const std::string& sql, const std::string& session, const json& parameters) {
  char start[64];
  std::snprintf(start, sizeof start, "2026-11-23T10:%02d:%02d.000000Z", second / 60, second % 60);
  return json{{"session", session},
              {"user", "app"},
              {"database", "app"},
              {"application", "test"},
              {"start", start},
              {"sql", sql},
              {"protocol", parameters.empty() ? "simple" : "extended"},
              {"parameters", parameters},
              {"outcome", {{"ok", true}}}}
      .dump();
}

void write_scenario(const TempDir& dir, const std::string& baseline, const std::string& migration,
                    const std::vector<std::string>& events) {
  dir.write("baseline.sql", baseline);
  dir.write("migrations/001.sql", migration);
  std::string capture = capture_header() + "\n";
  for (const auto& event : events) capture += event + "\n";
  dir.write("traffic/capture.jsonl", capture);
}

ServerParent::ServerParent() {
  fs::permissions(dir_.path(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
}

bool ServerParent::empty() const { return fs::is_empty(dir_.path()); }

TestServer::TestServer(std::vector<std::string> settings) {
  pg::EmbeddedServerOptions options;
  options.settings = std::move(settings);
  auto started = pg::EmbeddedServer::start(options);
  if (!started) throw std::runtime_error("cannot start the test's server: " + started.error().message);
  server_ = std::move(started).value();
  // The captured user of capture_event(): DSN-mode sessions become it (never run as a superuser).
  pqxx::connection admin(server_->conninfo("postgres"));
  pqxx::nontransaction work(admin);
  work.exec0("CREATE ROLE app");
}

std::string TestServer::create_database(const std::string& name, const std::string& sql) const {
  {
    pqxx::connection admin(server_->conninfo("postgres"));
    pqxx::nontransaction work(admin);
    work.exec0("CREATE DATABASE " + work.quote_name(name));
  }
  pqxx::connection connection(server_->conninfo(name));
  pqxx::nontransaction work(connection);
  if (!sql.empty()) work.exec(sql);
  work.exec0("GRANT ALL ON SCHEMA public TO app");
  work.exec0("GRANT ALL ON ALL TABLES IN SCHEMA public TO app");
  return server_->conninfo(name);
}

std::string TestServer::query(const std::string& database, const std::string& sql) const {
  pqxx::connection connection(server_->conninfo(database));
  pqxx::nontransaction work(connection);
  std::string text;
  for (const auto& row : work.exec(sql)) {
    for (pqxx::row::size_type i = 0; i < row.size(); ++i) {
      text += (i == 0 ? "" : "|") + (row[i].is_null() ? std::string("NULL") : row[i].c_str());
    }
    text += "\n";
  }
  return text;
}

pid_t TestServer::postmaster() const {
  std::ifstream pid_file(server_->directory() + "/data/postmaster.pid");
  pid_t pid = 0;
  pid_file >> pid;
  return pid;
}

namespace {

// The processes whose parent is `parent`, from /proc/PID/stat: "pid (comm) state ppid ...": the
// comm may hold blanks, so the fields are read after the last ')'.
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> children;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = read_file(entry.path().string() + "/stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 1));
    std::string state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent) children.push_back(std::stoi(name));
  }
  return children;
}

// The postmaster and its children (each backend leads a process group of its own).
void signal_server(pid_t postmaster, int signal_number) {
  for (pid_t child : children_of(postmaster)) kill(child, signal_number);
  kill(postmaster, signal_number);
}

}  // namespace

void TestServer::stop_all_processes() const { signal_server(postmaster(), SIGSTOP); }

void TestServer::continue_all_processes() const { signal_server(postmaster(), SIGCONT); }

SmallTmpfs::SmallTmpfs(std::size_t bytes) {
  const std::string options = "size=" + std::to_string(bytes) + ",mode=0755";
  mounted_ = ::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, options.c_str()) == 0;
}

SmallTmpfs::~SmallTmpfs() {
  if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
}

void SmallTmpfs::fill() const {
  const int fd = open((dir_.path() + "/filler").c_str(), O_WRONLY | O_CREAT, 0600);
  std::string block(4096, 'x');
  while (write(fd, block.data(), block.size()) > 0) {
  }
  close(fd);
}

std::vector<pid_t> processes_mentioning(const std::string& text) {
  std::vector<pid_t> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = read_file(entry.path().string() + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(text) != std::string::npos) found.push_back(std::stoi(name));
  }
  return found;
}

std::vector<std::string> children_command_lines(pid_t parent) {
  std::vector<std::string> lines;
  for (pid_t child : children_of(parent)) {
    std::string cmdline = read_file("/proc/" + std::to_string(child) + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    lines.push_back(cmdline);
  }
  return lines;
}

std::vector<pid_t> postmasters_under(const std::string& parent_dir) {
  std::vector<pid_t> postmasters;
  for (pid_t pid : processes_mentioning(parent_dir)) {
    if (read_file("/proc/" + std::to_string(pid) + "/comm") == "postgres\n") postmasters.push_back(pid);
  }
  return postmasters;
}

pid_t postmaster_under(const std::string& parent_dir) {
  const std::vector<pid_t> postmasters = postmasters_under(parent_dir);
  return postmasters.empty() ? 0 : postmasters.front();
}

pid_t postmaster_running(const std::string& parent_dir, const std::string& title_part) {
  for (pid_t postmaster : postmasters_under(parent_dir)) {
    for (const std::string& child : children_command_lines(postmaster)) {
      if (child.find(title_part) != std::string::npos) return postmaster;
    }
  }
  return 0;
}

LeftBehind left_behind() {
  LeftBehind left;
  std::istringstream segments(read_file("/proc/sysvipc/shm"));
  std::string line;
  std::getline(segments, line);  // the header
  while (std::getline(segments, line)) {
    std::istringstream fields(line);
    long key = 0, size = 0, nattch = 0;
    int shmid = 0, perms = 0, cpid = 0, lpid = 0;
    fields >> key >> shmid >> perms >> size >> cpid >> lpid >> nattch;
    if (fields && nattch == 0) left.orphaned_segments.insert(shmid);
  }
  std::set<std::string> mapped;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::istringstream maps(read_file(entry.path().string() + "/maps"));
    for (std::string mapping; std::getline(maps, mapping);) {
      const auto at = mapping.find("/dev/shm/PostgreSQL.");
      if (at != std::string::npos) mapped.insert(mapping.substr(at));
    }
  }
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator("/dev/shm", ignored)) {
    const std::string path = entry.path().string();
    if (path.starts_with("/dev/shm/PostgreSQL.") && !mapped.count(path)) left.orphaned_shm_files.insert(path);
  }
  return left;
}

}  // namespace pgshadow::hostile
