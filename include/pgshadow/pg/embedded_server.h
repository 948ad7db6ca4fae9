#pragma once
// A throwaway PostgreSQL cluster that pgshadow starts and removes itself.
//
// start() finds the server binaries, runs initdb in a private temporary directory, and starts
// the server on a private Unix socket plus a free TCP port on 127.0.0.1 only. Run as root, the
// server runs as an unprivileged user (postgres, else nobody). The cluster is removed when the
// EmbeddedServer is destroyed and also, through a guardian process that outlives the caller,
// when pgshadow dies on SIGINT, SIGTERM or SIGKILL: no process and no directory is left behind.
// Not thread-safe.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pgshadow/util/result.h"

namespace pgshadow::pg {

struct EmbeddedServerOptions {
  std::string bin_dir;        // empty: discover (see find_server_binaries)
  std::string parent_dir;     // where the private directory is made; empty: $TMPDIR or /tmp
  bool keep = false;          // leave the cluster running at exit (prints how to connect)
  // postgresql.conf lines added after pgshadow's own, so they win: e.g. "log_statement = 'all'"
  // to record traffic. A setting the server rejects makes start() fail with the log's reason.
  std::vector<std::string> settings;
};

// The directory holding initdb, pg_ctl, postgres, psql and pg_restore. Order: explicit_dir,
// $PGSHADOW_PG_BIN, `pg_config --bindir`, the highest /usr/lib/postgresql/*/bin.
// Error (kInfrastructure) lists every place looked at.
Result<std::string> find_server_binaries(std::string_view explicit_dir);

class EmbeddedServer {
 public:
  // Error kInfrastructure: no binaries, initdb failed, the server did not start (with the tail
  // of its log).
  static Result<std::unique_ptr<EmbeddedServer>> start(const EmbeddedServerOptions& options);
  ~EmbeddedServer();
  EmbeddedServer(const EmbeddedServer&) = delete;
  EmbeddedServer& operator=(const EmbeddedServer&) = delete;

  // libpq key=value conninfo for a database on this server, as its superuser, over the socket.
  std::string conninfo(std::string_view database) const;
  // The same as another role (trust authentication over the private socket).
  std::string conninfo(std::string_view database, std::string_view user) const;
  // The bootstrap superuser's name, "pgshadow_admin": a name no capture is expected to use, so
  // that no replayed session logs in as it.
  static const char* superuser();
  const std::string& bin_dir() const { return bin_dir_; }
  const std::string& directory() const { return directory_; }  // the private directory
  int port() const { return port_; }
  // How to connect with psql (to the given database, default "postgres") and how to stop the
  // server and remove its directory afterwards, for --keep-server.
  std::string connect_hint() const;
  std::string connect_hint(std::string_view database) const;
  // Whether the server's own log (server.log in the private directory) holds `text`: why a
  // server stopped answering (a full disk makes it PANIC) is there, not in the client's error.
  bool log_mentions(std::string_view text) const;

  // Stops the server and removes the directory now (idempotent; the destructor calls it).
  void stop();

  // Stops the server cleanly (a shutdown checkpoint: the data directory is consistent on disk)
  // and keeps the cluster; resume() starts it again, on a new free port (conninfo() changes).
  Status pause();
  Status resume();
  // A second cluster: a file-level copy of this one's data directory, which must be paused.
  // Byte-identical (catalogs, OID counter, system identifier), with its own private directory,
  // socket and guardian; not started: resume() starts it (both may be resumed at once, from two
  // threads).
  Result<std::unique_ptr<EmbeddedServer>> copy(const EmbeddedServerOptions& options) const;
  // Runs one of the server's tools (pg_resetwal, pg_controldata, ...) from bin_dir as the server
  // user. Error kInfrastructure with the tool's last lines.
  Status run_tool(const std::string& tool, const std::vector<std::string>& args) const;

 private:
  EmbeddedServer() = default;
  static Result<std::unique_ptr<EmbeddedServer>> make_directory(const EmbeddedServerOptions& options,
                                                                 const std::string& bin_dir);
  Status launch();
  std::string bin_dir_;
  std::string directory_;
  std::string socket_dir_;
  std::string data_dir_;
  int port_ = 0;
  bool keep_ = false;
  bool stopped_ = false;
  int guardian_pipe_ = -1;  // write end; closing it without "keep" makes the guardian clean up
  int guardian_pid_ = -1;
};

}  // namespace pgshadow::pg
