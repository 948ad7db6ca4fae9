#include "role_provisioning.h"

#include <pqxx/nontransaction>
#include <pqxx/result>

#include <algorithm>

#include "baseline_inspection.h"
#include "pgshadow/pg/embedded_server.h"
#include "pgshadow/sql/global_references.h"

namespace pgshadow::pg {
namespace {

// Predefined roles through which a non-superuser reaches outside the database: running programs
// and reading or writing files as the server's operating-system user.
constexpr const char* kOutsideReachingRoles[] = {"pg_execute_server_program", "pg_read_server_files",
                                                 "pg_write_server_files"};

bool is_predefined(const std::string& name) { return name.rfind("pg_", 0) == 0; }

void add_removed(RoleSetup& setup, const std::string& role, const std::string& what) {
  auto found = std::find_if(setup.demoted.begin(), setup.demoted.end(),
                            [&](const DemotedRole& demoted) { return demoted.name == role; });
  if (found == setup.demoted.end()) found = setup.demoted.insert(setup.demoted.end(), DemotedRole{role, {}});
  if (std::find(found->removed.begin(), found->removed.end(), what) == found->removed.end()) {
    found->removed.push_back(what);
  }
}

}  // namespace

Status RoleProvisioner::execute(const std::string& sql, const std::string& purpose) {
  try {
    pqxx::nontransaction work(admin_.get());
    work.exec0(sql);
    return {};
  } catch (const pqxx::sql_error& error) {
    return Error::infrastructure("cannot " + purpose + ": " + primary_message(error) + " (SQLSTATE " +
                                 error.sqlstate() + ")");
  } catch (const std::exception& error) {
    return Error::infrastructure("cannot " + purpose + ": " + primary_message(error));
  }
}

Result<RoleState> RoleProvisioner::state_of(const std::string& name) {
  try {
    pqxx::nontransaction work(admin_.get());
    const pqxx::result rows =
        work.exec_params("SELECT rolsuper, rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = $1", name);
    if (rows.empty()) return RoleState{};
    return RoleState{true, rows[0][0].as<bool>(), rows[0][1].as<bool>()};
  } catch (const std::exception& error) {
    return Error::infrastructure("cannot look up role \"" + name + "\": " + primary_message(error));
  }
}

Status RoleProvisioner::run_globals(const std::string& file) {
  auto statements = read_plain_baseline(file);  // the same rules as a plain-SQL baseline
  if (!statements) return statements.error();
  setup_.globals_file = file;
  const std::string superuser = EmbeddedServer::superuser();
  for (const auto& statement : *statements) {
    sql::GlobalReferences references;
    sql::collect_global_references(statement.sql, references);
    const std::string where = file + ":" + std::to_string(statement.line);
    if (references.tablespace) {
      setup_.skipped.push_back(where + ": a tablespace (its LOCATION is a path on the production host)");
      continue;
    }
    if (references.roles.count(superuser) != 0) {
      setup_.skipped.push_back(where + ": names " + superuser + ", the embedded server's own superuser");
      continue;
    }
    try {
      pqxx::nontransaction work(admin_.get());
      work.exec(statement.sql);
    } catch (const pqxx::sql_error& error) {
      return Error::bad_input(where + ": " + primary_message(error) + " (SQLSTATE " + error.sqlstate() + ")");
    } catch (const std::exception& error) {
      return Error::infrastructure(where + ": lost the connection while creating the roles: " +
                                   primary_message(error));
    }
  }
  return {};
}

Status RoleProvisioner::create_missing(const std::set<std::string>& names, bool login, const std::string& why) {
  for (const std::string& name : names) {
    if (is_predefined(name)) continue;
    auto state = state_of(name);
    if (!state) return state.error();
    if (state->exists) continue;
    const std::string quoted = admin_.get().quote_name(name);
    if (Status created = execute("CREATE ROLE " + quoted + (login ? " LOGIN" : " NOLOGIN"), "create role " + quoted);
        !created) {
      return created;
    }
    setup_.created.push_back({name, why, login});
  }
  return {};
}

Result<RoleState> RoleProvisioner::prepare_login(const std::string& name, const std::string& member_of,
                                                 const std::string& why) {
  auto state = state_of(name);
  if (!state) return state.error();
  const std::string quoted = admin_.get().quote_name(name);
  if (!state->exists) {
    if (Status created = execute("CREATE ROLE " + quoted + " LOGIN", "create role " + quoted); !created) {
      return created.error();
    }
    if (!member_of.empty()) {
      if (Status granted = execute("GRANT " + admin_.get().quote_name(member_of) + " TO " + quoted,
                                   "make " + quoted + " a member of " + member_of);
          !granted) {
        return granted.error();
      }
    }
    setup_.created.push_back({name, why, true});
    return RoleState{true, false, true};
  }
  if (!state->can_login) {
    if (Status granted = execute("ALTER ROLE " + quoted + " LOGIN", "let role " + quoted + " log in"); !granted) {
      return granted.error();
    }
    if (std::find(setup_.login_granted.begin(), setup_.login_granted.end(), name) == setup_.login_granted.end()) {
      setup_.login_granted.push_back(name);
    }
    state->can_login = true;
  }
  return state;
}

Status RoleProvisioner::demote_all() {
  try {
    pqxx::nontransaction work(admin_.get());
    for (const auto& row : work.exec("SELECT rolname FROM pg_catalog.pg_roles WHERE rolsuper AND rolname <> current_user "
                                     "ORDER BY rolname")) {
      const std::string name = row[0].c_str();
      work.exec0("ALTER ROLE " + work.quote_name(name) + " NOSUPERUSER");
      // pgshadow's own owner role is a superuser only while the baseline loads: not news.
      if (name != kObjectsOwnerRole) add_removed(setup_, name, "SUPERUSER");
    }
    for (const char* outside : kOutsideReachingRoles) {
      for (const auto& row : work.exec_params(
               "SELECT m.rolname FROM pg_catalog.pg_auth_members a JOIN pg_catalog.pg_roles r ON r.oid = a.roleid "
               "JOIN pg_catalog.pg_roles m ON m.oid = a.member WHERE r.rolname = $1 ORDER BY m.rolname",
               std::string(outside))) {
        const std::string member = row[0].c_str();
        work.exec0("REVOKE " + std::string(outside) + " FROM " + work.quote_name(member));
        add_removed(setup_, member, std::string("member of ") + outside);
      }
    }
    return {};
  } catch (const std::exception& error) {
    return Error::infrastructure("cannot demote the roles to non-superusers: " + primary_message(error));
  }
}

}  // namespace pgshadow::pg
