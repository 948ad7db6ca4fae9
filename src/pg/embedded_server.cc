#include "pgshadow/pg/embedded_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "child_process.h"
#include "guardian.h"
#include "pgshadow/pg/conninfo.h"
#include "server_user.h"

namespace pgshadow::pg {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSuperuser = "pgshadow_admin";
constexpr int kPortAttempts = 5;
constexpr std::size_t kLogLinesInErrors = 20;

// Settings for a throwaway cluster: nothing here needs to survive a crash, and the replay
// opens one connection per captured session on each side. No autovacuum: an ANALYZE that runs
// on one side and not the other would give the two sides different statistics, so different
// plans (the judge compares plans) and different row orders for unordered reads.
constexpr const char* kThrowawaySettings = R"(
# --- pgshadow: a throwaway cluster, removed after the run ---
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
shared_buffers = '128MB'
max_wal_size = '1GB'
autovacuum = off
# Dynamic shared memory as files under pg_dynshmem, not /dev/shm/PostgreSQL.*: a killed server's
# segments then go with the directory. (The main segment is anonymous mmap already; its small
# System V interlock segment is removed by the guardian.)
dynamic_shared_memory_type = mmap
)";

std::string parent_directory(const EmbeddedServerOptions& options) {
  if (!options.parent_dir.empty()) return options.parent_dir;
  const char* tmpdir = std::getenv("TMPDIR");
  return tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
}

// A TCP port free on 127.0.0.1 right now (the kernel's pick for port 0). Another process may
// take it before the server binds it: the caller retries on "address already in use".
Result<int> free_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error::infrastructure(std::string("socket: ") + strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  auto* generic = reinterpret_cast<sockaddr*>(&address);
  if (bind(fd, generic, length) != 0 || getsockname(fd, generic, &length) != 0) {
    int error = errno;
    close(fd);
    return Error::infrastructure(std::string("cannot find a free port on 127.0.0.1: ") +
                                 strerror(error));
  }
  close(fd);
  return static_cast<int>(ntohs(address.sin_port));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A single-quoted postgresql.conf string.
std::string conf_string(const std::string& value) {
  std::string quoted = "'";
  for (char c : value) {
    quoted += c;
    if (c == '\'') quoted += '\'';
  }
  return quoted + "'";
}

// A word for the POSIX shell, for the hints printed to the user.
std::string shell_word(const std::string& word) {
  if (word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                             "/._-=+:,@") == std::string::npos) {
    return word;
  }
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// The server's tools run with C messages so that their output reads the same everywhere.
ChildCommand server_tool(const std::string& program, std::vector<std::string> args,
                         const std::optional<ServerUser>& user) {
  ChildCommand command(program, std::move(args));
  command.env = {"LC_ALL=C", "LANG=C"};
  command.run_as = user;
  return command;
}

Status failed_tool(const std::string& what, const Result<ChildOutcome>& outcome) {
  if (!outcome.ok()) return outcome.error();
  return Error::infrastructure(what + " " + outcome->describe() + ":\n" +
                               last_lines(outcome->output, kLogLinesInErrors));
}

// The server runs as another user when pgshadow is root, so every directory above its own must
// let that user through; a private TMPDIR (mode 0700, owned by root) does not.
Status check_reachable_by(const std::string& parent, const ServerUser& user) {
  for (fs::path dir = fs::absolute(parent); !dir.empty(); dir = dir.parent_path()) {
    struct stat info {};
    if (stat(dir.c_str(), &info) != 0) break;
    const bool traversable = (info.st_uid == user.uid && (info.st_mode & S_IXUSR)) ||
                             (info.st_gid == user.gid && (info.st_mode & S_IXGRP)) ||
                             (info.st_mode & S_IXOTH);
    if (!traversable) {
      return Error::infrastructure("the embedded server runs as user " + user.name +
                                   " (pgshadow runs as root), which cannot enter " + dir.string() +
                                   ": point TMPDIR at a directory that user can reach");
    }
    if (dir == dir.root_path()) break;
  }
  return {};
}

Status make_private_directories(const std::string& directory, const std::string& socket_dir,
                                const std::optional<ServerUser>& user) {
  if (user) {
    if (Status reachable = check_reachable_by(fs::path(directory).parent_path().string(), *user); !reachable) {
      return reachable;
    }
  }
  if (mkdir(socket_dir.c_str(), 0700) != 0) {
    return Error::infrastructure("cannot create " + socket_dir + ": " + strerror(errno));
  }
  if (user) {
    for (const auto& path : {directory, socket_dir}) {
      if (chown(path.c_str(), user->uid, user->gid) != 0) {
        return Error::infrastructure("cannot hand " + path + " to user " + user->name + ": " +
                                     strerror(errno));
      }
    }
  }
  return {};
}

Status write_settings(const std::string& data_dir, const std::string& socket_dir,
                      const std::vector<std::string>& extra) {
  std::ofstream conf(data_dir + "/postgresql.conf", std::ios::app);
  conf << kThrowawaySettings << "unix_socket_directories = " << conf_string(socket_dir) << "\n";
  for (const auto& line : extra) conf << line << "\n";
  conf.close();
  if (!conf) return Error::infrastructure("cannot write " + data_dir + "/postgresql.conf");
  return {};
}

}  // namespace

// A new private directory with its guardian: from here on the server object owns the directory
// and every early return removes it.
Result<std::unique_ptr<EmbeddedServer>> EmbeddedServer::make_directory(const EmbeddedServerOptions& options,
                                                                        const std::string& bin_dir) {
  auto user = unprivileged_server_user();
  if (!user) return user.error();
  const std::string parent = parent_directory(options);
  std::string pattern = (fs::path(parent) / "pgshadow-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Error::infrastructure("cannot create a private directory in " + parent + ": " +
                                 strerror(errno));
  }
  std::unique_ptr<EmbeddedServer> server(new EmbeddedServer());
  server->bin_dir_ = bin_dir;
  server->directory_ = pattern;
  server->data_dir_ = pattern + "/data";
  server->socket_dir_ = pattern + "/socket";

  // The guardian comes first, so that nothing below can be left behind.
  auto guardian = launch_guardian({server->bin_dir_ + "/pg_ctl", server->data_dir_, server->directory_, *user});
  if (!guardian) return guardian.error();
  server->guardian_pipe_ = guardian->pipe_fd;
  server->guardian_pid_ = guardian->pid;

  if (auto made = make_private_directories(pattern, server->socket_dir_, *user); !made) {
    return made.error();
  }
  return server;
}

Result<std::unique_ptr<EmbeddedServer>> EmbeddedServer::start(
    const EmbeddedServerOptions& options) {
  auto bin_dir = find_server_binaries(options.bin_dir);
  if (!bin_dir) return bin_dir.error();
  auto user = unprivileged_server_user();
  if (!user) return user.error();
  auto server = make_directory(options, *bin_dir);
  if (!server) return server.error();

  // The bootstrap superuser has a name no capture uses: replayed sessions never connect as it.
  // Trust only over the private socket (a directory only the server user may enter): over TCP,
  // any local user could log in as any role, the superuser included.
  ChildCommand initdb_command = server_tool((*server)->bin_dir_ + "/initdb",
                                            {"-D", (*server)->data_dir_, "-U", kSuperuser, "--auth-local=trust",
                                             "--auth-host=reject", "-E", "UTF8", "--no-locale", "--no-sync"},
                                            *user);
  // Killed mid-way, initdb's backend would PANIC over its removed directory and leak its shared
  // memory: the guardian lets initdb finish first.
  const int guardian_pipe = (*server)->guardian_pipe_;
  initdb_command.on_started = [guardian_pipe](pid_t pid) { announce_tool(guardian_pipe, pid); };
  auto initdb = run_child(initdb_command);
  announce_tool(guardian_pipe, 0);
  if (!initdb.ok() || !initdb->succeeded()) return failed_tool("initdb", initdb).error();
  if (auto written = write_settings((*server)->data_dir_, (*server)->socket_dir_, options.settings);
      !written) {
    return written.error();
  }
  if (Status launched = (*server)->launch(); !launched) return launched.error();
  (*server)->keep_ = options.keep;
  return server;
}

// pg_ctl start on a free port, retried when another process takes the port first.
Status EmbeddedServer::launch() {
  auto user = unprivileged_server_user();
  if (!user) return user.error();
  const std::string log_file = directory_ + "/server.log";
  for (int attempt = 1;; ++attempt) {
    auto port = free_port();
    if (!port) return port.error();
    auto started = run_child(server_tool(
        bin_dir_ + "/pg_ctl",
        {"start", "-D", data_dir_, "-l", log_file, "-w", "-t", "60", "-o",
         "-p " + std::to_string(*port)},
        *user));
    if (!started.ok()) return started.error();
    if (started->succeeded()) {
      port_ = *port;
      return {};
    }
    auto log = read_file(log_file);
    bool port_taken = log.find("Address already in use") != std::string::npos;
    if (!port_taken || attempt == kPortAttempts) {
      return Error::infrastructure("the PostgreSQL server in " + directory_ +
                                   " did not start (pg_ctl " + started->describe() +
                                   "); the end of its log:\n" +
                                   last_lines(log, kLogLinesInErrors));
    }
  }
}

Status EmbeddedServer::pause() {
  auto user = unprivileged_server_user();
  if (!user) return user.error();
  auto stopped = run_child(server_tool(bin_dir_ + "/pg_ctl", {"stop", "-D", data_dir_, "-m", "fast", "-w", "-t", "60"},
                                       *user));
  if (!stopped.ok() || !stopped->succeeded()) return failed_tool("pg_ctl stop", stopped);
  port_ = 0;
  return {};
}

Status EmbeddedServer::resume() { return launch(); }

Result<std::unique_ptr<EmbeddedServer>> EmbeddedServer::copy(const EmbeddedServerOptions& options) const {
  if (fs::exists(data_dir_ + "/postmaster.pid")) {
    return Error::infrastructure("the cluster in " + directory_ + " must be stopped to be copied");
  }
  auto user = unprivileged_server_user();
  if (!user) return user.error();
  auto server = make_directory(options, bin_dir_);
  if (!server) return server.error();
  // cp as the server user: the copy belongs to it, like the original. --reflink=auto shares the
  // blocks where the file system can (btrfs, xfs), else it copies them.
  auto copied = run_child(server_tool("/bin/cp", {"-a", "--reflink=auto", "--", data_dir_, (*server)->data_dir_}, *user));
  if (!copied.ok() || !copied->succeeded()) return failed_tool("copying the cluster (cp)", copied).error();
  // The copy listens on its own socket directory (later lines of postgresql.conf win).
  std::ofstream conf((*server)->data_dir_ + "/postgresql.conf", std::ios::app);
  conf << "unix_socket_directories = " << conf_string((*server)->socket_dir_) << "\n";
  conf.close();
  if (!conf) return Error::infrastructure("cannot write " + (*server)->data_dir_ + "/postgresql.conf");
  (*server)->keep_ = options.keep;
  return server;
}

Status EmbeddedServer::run_tool(const std::string& tool, const std::vector<std::string>& args) const {
  auto user = unprivileged_server_user();
  if (!user) return user.error();
  auto outcome = run_child(server_tool(bin_dir_ + "/" + tool, args, *user));
  if (!outcome.ok() || !outcome->succeeded()) return failed_tool(tool, outcome);
  return {};
}

EmbeddedServer::~EmbeddedServer() {
  if (keep_ && !stopped_) {
    dismiss_guardian(guardian_pipe_, guardian_pid_);  // the server stays; nothing to guard
    return;
  }
  stop();
}

void EmbeddedServer::stop() {
  if (stopped_) return;
  stopped_ = true;
  bool clean = true;
  wake_cluster(data_dir_.c_str());  // a server stopped by SIGSTOP would not stop
  if (fs::exists(data_dir_ + "/postmaster.pid")) {
    auto user = unprivileged_server_user();
    std::optional<ServerUser> run_as;
    if (user.ok()) run_as = *user;
    auto stopped = run_child(server_tool(bin_dir_ + "/pg_ctl",
                                         {"stop", "-D", data_dir_, "-m", "fast", "-w", "-t", "60"},
                                         run_as));
    clean = stopped.ok() && stopped->succeeded();
  }
  std::error_code error;
  if (clean && !directory_.empty()) clean = fs::remove_all(directory_, error) != 0 && !error;
  // Anything left (a server that would not stop, a file that would not go): the guardian's
  // immediate shutdown and rm -rf are the fallback.
  if (clean) {
    dismiss_guardian(guardian_pipe_, guardian_pid_);
  } else {
    trigger_guardian(guardian_pipe_, guardian_pid_);
  }
}

std::string EmbeddedServer::conninfo(std::string_view database) const { return conninfo(database, kSuperuser); }

std::string EmbeddedServer::conninfo(std::string_view database, std::string_view user) const {
  return "host=" + quote_conninfo_value(socket_dir_) + " port=" + std::to_string(port_) +
         " user=" + quote_conninfo_value(user) + " dbname=" + quote_conninfo_value(database);
}

const char* EmbeddedServer::superuser() { return kSuperuser; }

std::string EmbeddedServer::connect_hint() const { return connect_hint("postgres"); }

bool EmbeddedServer::log_mentions(std::string_view text) const {
  return read_file(directory_ + "/server.log").find(text) != std::string::npos;
}

std::string EmbeddedServer::connect_hint(std::string_view database) const {
  std::string stop = shell_word(bin_dir_ + "/pg_ctl") + " stop -D " + shell_word(data_dir_);
  auto user = unprivileged_server_user();
  if (user.ok() && *user) stop = "runuser -u " + (*user)->name + " -- " + stop;
  return "The PostgreSQL server in " + directory_ + " keeps running (port " +
         std::to_string(port_) + " on 127.0.0.1).\n  connect: psql " +
         shell_word(conninfo(database)) + "\n  stop:    " + stop + " && rm -rf " +
         shell_word(directory_);
}

}  // namespace pgshadow::pg
