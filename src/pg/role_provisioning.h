#pragma once
// The roles of an embedded cluster, prepared before the baseline is loaded and demoted after: the
// roles of a pg_dumpall --globals-only file, or created for what the baseline and the capture
// name; never a superuser beside the bootstrap one, never a member of the predefined roles that
// reach outside the database (server programs and files). Everything done is written to the
// RoleSetup for the report. Works on one cluster through one superuser connection; not
// thread-safe.
#include <set>
#include <string>

#include "admin_connection.h"
#include "pgshadow/pg/role_setup.h"
#include "pgshadow/util/result.h"

namespace pgshadow::pg {

// Roles pgshadow itself creates in the embedded clusters.
inline constexpr const char* kObjectsOwnerRole = "pgshadow_owner";
inline constexpr const char* kUnknownUserRole = "pgshadow_unknown_user";

struct RoleState {
  bool exists = false;
  bool superuser = false;
  bool can_login = false;
};

class RoleProvisioner {
 public:
  RoleProvisioner(AdminConnection& admin, RoleSetup& setup) : admin_(admin), setup_(setup) {}

  // Runs the globals file statement by statement (psql meta-commands refused, file:line). Left
  // out, and listed in RoleSetup::skipped: tablespaces (a path on the production host) and
  // statements about the bootstrap superuser. Error kBadInput naming file:line and the server's
  // message when a statement fails.
  Status run_globals(const std::string& file);

  // CREATE ROLE for each name that does not exist (NOLOGIN unless login), recorded with why.
  // Predefined roles (pg_*) exist already and are left alone.
  Status create_missing(const std::set<std::string>& names, bool login, const std::string& why);

  // Makes `name` a role a captured session can log in as: created LOGIN when missing (a member
  // of `member_of` when given), LOGIN granted when it was NOLOGIN. Returns its state afterwards.
  Result<RoleState> prepare_login(const std::string& name, const std::string& member_of, const std::string& why);

  // Every role but the bootstrap superuser becomes NOSUPERUSER and loses its memberships in
  // pg_execute_server_program, pg_read_server_files and pg_write_server_files.
  Status demote_all();

  Result<RoleState> state_of(const std::string& name);
  Status execute(const std::string& sql, const std::string& purpose);

 private:
  AdminConnection& admin_;
  RoleSetup& setup_;
};

}  // namespace pgshadow::pg
