#include "pgshadow/pg/embedded_pair.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <thread>

#include "admin_connection.h"
#include "baseline_inspection.h"
#include "embedded_logins.h"
#include "oid_counters.h"
#include "pgshadow/pg/conninfo.h"
#include "role_provisioning.h"

namespace pgshadow::pg {
namespace {

// PGSHADOW_TRACE_SETUP=1: one stderr line per setup pass with its duration, for finding out
// where the setup time goes.
class PassTimer {
 public:
  explicit PassTimer(const char* pass) : pass_(pass) {}
  ~PassTimer() {
    if (std::getenv("PGSHADOW_TRACE_SETUP") == nullptr) return;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    std::fprintf(stderr, "[setup] %-28s %7.3f s\n", pass_, seconds);
  }
  PassTimer(const PassTimer&) = delete;
  PassTimer& operator=(const PassTimer&) = delete;

 private:
  const char* pass_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

constexpr const char* kPristineDatabase = "pgshadow_pristine";
// When neither the capture nor the archive names the database.
constexpr const char* kDefaultDatabase = "pgshadow";

// Runs the step for both sides at once (each on its own cluster); the baseline's error first.
Status on_both_sides(const std::function<Status(int side)>& step) {
  Status shadow;
  std::thread other([&] { shadow = step(kEmbeddedShadow); });
  Status baseline = step(kEmbeddedBaseline);
  other.join();
  return !baseline ? baseline : shadow;
}

bool may_log_in_as(const std::string& user) {
  return !user.empty() && user != EmbeddedServer::superuser() && user.rfind("pg_", 0) != 0;
}

Status create_database(AdminConnection& admin, const std::string& name, const std::string& owner) {
  RoleSetup ignored;
  RoleProvisioner provisioner(admin, ignored);
  const std::string quoted = admin.get().quote_name(name);
  return provisioner.execute("CREATE DATABASE " + quoted + " OWNER " + admin.get().quote_name(owner) +
                                 " TEMPLATE template0",
                             "create database " + quoted);
}

}  // namespace

Result<std::unique_ptr<EmbeddedPair>> EmbeddedPair::prepare(const EmbeddedPairOptions& options) {
  std::unique_ptr<EmbeddedPair> pair(new EmbeddedPair());
  pair->interrupted_ = options.interrupted;
  Status prepared = pair->prepare_first_cluster(options);
  if (prepared) prepared = pair->copy_first_cluster(options);
  if (!prepared) return pair->with_server_cause(prepared.error());
  EmbeddedLoginPlan plan{{pair->servers_[0].get(), pair->servers_[1].get()},
                         pair->database_,
                         pair->roles_.captured_roles_are_owners ? kObjectsOwnerRole : "",
                         options.as_captured_user};
  pair->logins_ = std::make_unique<EmbeddedLogins>(std::move(plan), pair->roles_);
  return pair;
}

// A server that ran out of disk PANICs: the client only sees the connection gone ("not
// connected"). Its log says why.
Error EmbeddedPair::with_server_cause(Error error) const {
  constexpr std::string_view kDiskFull = "No space left on device";
  if (error.kind != ErrorKind::kInfrastructure || error.message.find(kDiskFull) != std::string::npos) return error;
  for (const auto& server : servers_) {
    if (server && server->log_mentions(kDiskFull)) {
      error.message += " (the server ran out of disk space: its log says " + std::string(kDiskFull) + ")";
      break;
    }
  }
  return error;
}

Status EmbeddedPair::prepare_first_cluster(const EmbeddedPairOptions& options) {
  // A plain-SQL baseline is checked before any server starts: bad input fails fast.
  auto format = baseline_format(options.baseline_file);
  if (!format) return format.error();
  std::optional<BaselineNeeds> needs;
  if (*format == BaselineFormat::kPlainSql) {
    auto read = what_the_baseline_needs({}, options.baseline_file, {});
    if (!read) return read.error();
    needs = std::move(read).value();
  }
  auto started = [&] {
    PassTimer timer("initdb and start");
    return EmbeddedServer::start(options.server);
  }();
  if (!started) return started.error();
  servers_[0] = std::move(started).value();
  EmbeddedServer& first = *servers_[0];
  if (!needs) {
    auto read = what_the_baseline_needs(first.bin_dir(), options.baseline_file, first.directory());
    if (!read) return read.error();
    needs = std::move(read).value();
  }
  if (needs->references.roles.count(EmbeddedServer::superuser()) != 0) {
    return Error::bad_input(options.baseline_file + ": names role " + EmbeddedServer::superuser() +
                            ", the embedded server's own superuser");
  }
  database_ = !options.database.empty() ? options.database
              : !needs->database_name.empty() ? needs->database_name
                                              : kDefaultDatabase;
  database_source_ = !options.database.empty() ? "options" : !needs->database_name.empty() ? "archive" : "default";

  auto admin = connect_admin(first.conninfo("postgres"), "prepare the roles");
  if (!admin) return admin.error();
  RoleProvisioner roles(**admin, roles_);
  if (!options.globals_file.empty()) {
    roles_.source = "globals";
    if (Status ran = roles.run_globals(options.globals_file); !ran) return ran;
  } else {
    roles_.source = "created";
  }
  std::set<std::string> named;
  for (const std::string& role : needs->references.roles) {
    if (needs->references.created_roles.count(role) == 0) named.insert(role);
  }
  if (Status created = roles.create_missing(named, false, "named by the baseline"); !created) return created;

  // The baseline loads as pgshadow_owner, a superuser until the load is done: what it creates
  // without naming an owner belongs to that role, and it can give everything else its owner.
  if (Status created = roles.create_missing({kObjectsOwnerRole}, false, "owns what the baseline creates without an owner");
      !created) {
    return created;
  }
  if (Status elevated = roles.execute(std::string("ALTER ROLE ") + kObjectsOwnerRole + " SUPERUSER", "load the baseline");
      !elevated) {
    return elevated;
  }
  roles_.objects_owner = kObjectsOwnerRole;
  roles_.database_owner = !options.database_owner.empty() ? options.database_owner
                          : !needs->database_owner.empty() ? needs->database_owner
                                                           : kObjectsOwnerRole;
  if (Status created = roles.create_missing({roles_.database_owner}, false, "owns the database"); !created) return created;
  roles_.captured_roles_are_owners = needs->references.roles.empty();
  const std::string member_of = roles_.captured_roles_are_owners ? kObjectsOwnerRole : "";
  if (Status created = create_database(**admin, database_, roles_.database_owner); !created) return created;
  {
    PassTimer timer("load the baseline");
    if (Status loaded = load_baseline(first.bin_dir(), first.conninfo(database_), options.baseline_file, kObjectsOwnerRole,
                                      options.interrupted);
        !loaded) {
      return loaded;
    }
  }
  if (!options.scale_tables.empty()) {
    // Before the copy: both sides get the same grown tables, and the migration meets them.
    PassTimer timer("scale tables");
    auto scaled = scale_tables(first.conninfo(database_), options.scale_tables, options.scale_progress,
                               options.interrupted);
    if (!scaled) return scaled.error();
    scaled_tables_ = std::move(scaled).value();
  }

  // Every role a session will log in as, prepared before the copy so that both sides hold it
  // alike; and nobody a superuser any more but the bootstrap superuser.
  roles_.unknown_user_role = kUnknownUserRole;
  if (auto prepared = roles.prepare_login(kUnknownUserRole, member_of, "stands in for unknown users"); !prepared) {
    return prepared.error();
  }
  if (options.as_captured_user) {
    for (const std::string& user : options.captured_users) {
      if (!may_log_in_as(user) || options.created_by_traffic.count(user) != 0) continue;
      if (auto prepared = roles.prepare_login(user, member_of, "captured user"); !prepared) return prepared.error();
    }
  }
  if (Status demoted = roles.demote_all(); !demoted) return demoted;
  migration_role_ = roles_.database_owner;
  return {};
}

Status EmbeddedPair::copy_first_cluster(const EmbeddedPairOptions& options) {
  {
    PassTimer timer("stop the first cluster");
    if (Status paused = servers_[0]->pause(); !paused) return paused;
  }
  PassTimer timer("copy it, start both");
  auto copy = servers_[0]->copy(options.server);
  if (!copy) return copy.error();
  servers_[1] = std::move(copy).value();
  // A server start is mostly waiting for it: both at once.
  return on_both_sides([this](int side) { return servers_[static_cast<std::size_t>(side)]->resume(); });
}

Result<MigrationOutcome> EmbeddedPair::apply_migrations(const std::vector<MigrationScript>& scripts,
                                                        const MigrationOptions& options, bool pristine) {
  auto admin = connect_admin(servers_[1]->conninfo("postgres"), "prepare the migration");
  if (!admin) return admin.error();
  RoleSetup shadow_roles;
  RoleProvisioner roles(**admin, shadow_roles);
  const std::string owner = (*admin)->get().quote_name(migration_role_);
  if (Status elevated = roles.execute("ALTER ROLE " + owner + " SUPERUSER", "run the migration as " + owner); !elevated) {
    return elevated.error();
  }
  auto conninfo = with_setting(servers_[1]->conninfo(pristine ? kPristineDatabase : database_), "options",
                               "-c role=" + migration_role_);
  if (!conninfo) return conninfo.error();
  PassTimer timer(pristine ? "apply the migration to the pristine shadow" : "apply the migration");
  auto migrated = pg::apply_migrations(*conninfo, scripts, options);
  // Whatever the migration did, nobody is a superuser afterwards; roles it made superusers are
  // reported.
  if (Status demoted = roles.demote_all(); !demoted) return demoted.error();
  for (auto& demoted : shadow_roles.demoted) {
    if (demoted.name == migration_role_) std::erase(demoted.removed, "SUPERUSER");
    if (demoted.removed.empty()) continue;
    roles_.demoted.push_back({demoted.name + " (on the shadow, after the migration)", demoted.removed});
  }
  return migrated;
}

Result<std::string> EmbeddedPair::migration_conninfo() const {
  return with_setting(conninfo(kEmbeddedShadow), "options", "-c role=" + migration_role_);
}

Status EmbeddedPair::finish_setup() {
  PassTimer timer("pristine clones, OIDs level");
  std::array<std::unique_ptr<AdminConnection>, 2> admins;
  for (std::size_t side = 0; side < 2; ++side) {
    auto admin = connect_admin(servers_[side]->conninfo("postgres"), "bring the OID counters level");
    if (!admin) return admin.error();
    admins[side] = std::move(admin).value();
  }
  if (Status cloned = on_both_sides([this](int side) {
        const std::string admin = servers_[static_cast<std::size_t>(side)]->conninfo("postgres");
        return clone_database(admin, kPristineDatabase, database_, interrupted_);
      });
      !cloned) {
    return cloned;
  }
  auto next = align_oid_counters(*admins[0], *admins[1]);
  if (!next) return next.error();
  next_oid_ = *next;
  return {};
}

std::string EmbeddedPair::conninfo(int side) const { return servers_[static_cast<std::size_t>(side)]->conninfo(database_); }

std::string EmbeddedPair::pristine_conninfo(int side) const {
  return servers_[static_cast<std::size_t>(side)]->conninfo(kPristineDatabase);
}

std::string EmbeddedPair::connect_hint() const {
  return "baseline: " + servers_[0]->connect_hint(database_) + "\nshadow: " + servers_[1]->connect_hint(database_);
}

}  // namespace pgshadow::pg
