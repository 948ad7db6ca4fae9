#pragma once
// The embedded default of shadow preparation (design.md): each side gets its own cluster, so that
// nothing the traffic can change is shared (roles, tablespaces, OID counters, the database name).
//
// prepare(): one cluster is initdb'd (its bootstrap superuser named pgshadow_admin, a name no
// capture uses), its roles prepared (a --globals file, or created for what the baseline and the
// capture name), the baseline loaded once, with its owners and privileges, into a database
// under the name the capture uses, and its --scale-table tables grown (table_scaling.h); every
// role but the bootstrap one is then a NOSUPERUSER role (role_provisioning.h). That cluster is stopped cleanly and copied at file level: both sides
// start byte-identical, OID counters included. apply_migrations() migrates the shadow's
// database, as its owner. finish_setup() makes the isolation probe's pristine clones in each
// side's own cluster and brings the OID counters level (oid_counters.h).
//
// Both clusters are removed on every exit path, each by its own EmbeddedServer and guardian.
// Not thread-safe.
#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pgshadow/pg/database_setup.h"
#include "pgshadow/pg/embedded_server.h"
#include "pgshadow/pg/role_setup.h"
#include "pgshadow/pg/session_login.h"
#include "pgshadow/pg/table_scaling.h"
#include "pgshadow/util/result.h"

namespace pgshadow::pg {

struct EmbeddedPairOptions {
  EmbeddedServerOptions server;
  std::string baseline_file;
  std::string globals_file;     // pg_dumpall --globals-only output; empty: roles are created
  std::string database;         // the database name the capture uses
  std::string database_owner;   // empty: the archive's, else pgshadow_owner
  // Users seen at the start of the capture: their roles are prepared before the copy (so that
  // both sides hold them with the same OIDs); later ones when their first session logs in.
  std::set<std::string> captured_users;
  // Roles the traffic itself creates (CREATE ROLE in the capture's first events): not created
  // ahead, or the traffic's own CREATE ROLE would fail.
  std::set<std::string> created_by_traffic;
  bool as_captured_user = true;  // false: --no-set-role, sessions run as the stand-in role
  // --scale-table: tables grown after the baseline is loaded, before the two sides are copied.
  std::vector<TableScale> scale_tables;
  ScaleProgress scale_progress;
  // SIGINT/SIGTERM: the baseline load and the clones stop (kInterrupted), nothing left running.
  const std::atomic<bool>* interrupted = nullptr;
};

inline constexpr int kEmbeddedBaseline = 0;
inline constexpr int kEmbeddedShadow = 1;

class EmbeddedPair {
 public:
  // Error kBadInput: the baseline or globals file is bad (file:line); kInfrastructure: a server
  // could not be started, copied or reached.
  static Result<std::unique_ptr<EmbeddedPair>> prepare(const EmbeddedPairOptions& options);

  // Applies the migration files to the shadow's database as its owner (a superuser for the
  // migration's duration: production's migrations run with the rights they need), then demotes
  // every role again. As pg::apply_migrations.
  // `pristine`: to the isolation probe's pristine shadow instead (after finish_setup(), for
  // --migrate-during, whose replay database is migrated during the replay).
  Result<MigrationOutcome> apply_migrations(const std::vector<MigrationScript>& scripts,
                                            const MigrationOptions& options = {}, bool pristine = false);

  // For --migrate-during: the shadow's replay database as the migration's role *without* the temporary superuser apply_migrations() grants, because
  // replayed sessions run while it is applied and one of them may log in as that role. The
  // migration then has the owner's own rights. Safe to call from another thread during the
  // replay (reads only what prepare() set).
  Result<std::string> migration_conninfo() const;

  // The isolation probe's pristine clones (the baseline as loaded; the shadow migrated), each in
  // its side's cluster, and the OID counters level. Call after the migration, before the replay.
  Status finish_setup();

  // The replay database on a side, as the bootstrap superuser (for monitoring connections only;
  // replayed sessions connect through logins()).
  std::string conninfo(int side) const;
  std::string pristine_conninfo(int side) const;  // after finish_setup()
  SessionLogins& logins() { return *logins_; }
  RoleSetup& roles() { return roles_; }
  const std::string& database() const { return database_; }
  // Where the name came from when the options gave none: "archive" (the pg_dump archive's
  // database) or "default" (pgshadow).
  const std::string& database_source() const { return database_source_; }
  std::optional<std::uint32_t> next_oid() const { return next_oid_; }  // after finish_setup()
  const std::vector<ScaledTable>& scaled_tables() const { return scaled_tables_; }
  EmbeddedServer& server(int side) { return *servers_[static_cast<std::size_t>(side)]; }
  // How to connect to and remove both clusters, for --keep-server.
  std::string connect_hint() const;

 private:
  EmbeddedPair() = default;
  Error with_server_cause(Error error) const;
  Status prepare_first_cluster(const EmbeddedPairOptions& options);
  Status copy_first_cluster(const EmbeddedPairOptions& options);

  std::array<std::unique_ptr<EmbeddedServer>, 2> servers_;
  std::string database_;
  std::string database_source_;
  std::string migration_role_;
  RoleSetup roles_;
  std::unique_ptr<SessionLogins> logins_;
  std::optional<std::uint32_t> next_oid_;
  std::vector<ScaledTable> scaled_tables_;
  const std::atomic<bool>* interrupted_ = nullptr;
};

}  // namespace pgshadow::pg
