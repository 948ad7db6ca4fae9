#pragma once
// The global objects (roles, tablespaces) a SQL statement names, told from PostgreSQL's parse
// tree (libpg_query). Roles: owners (OWNER TO, AUTHORIZATION), grantees and granted roles (GRANT,
// REVOKE, ALTER DEFAULT PRIVILEGES FOR ROLE), policy roles, SET ROLE / SET SESSION
// AUTHORIZATION, and the roles it creates. Used to create, before a dump is restored with its
// owners and privileges, the roles it needs, and to leave out of a pg_dumpall --globals-only file
// what cannot be recreated on the replay host (tablespaces: their LOCATION is a path on the
// production host). Thread-safe.
#include <set>
#include <string>
#include <string_view>

namespace pgshadow::sql {

struct GlobalReferences {
  std::set<std::string> roles;          // every role name mentioned (created ones too)
  std::set<std::string> created_roles;  // CREATE ROLE / USER / GROUP
  bool tablespace = false;              // creates, alters, grants on, or puts something in a tablespace
};

// Adds the statement's references to `into`. SQL the parser rejects adds nothing (loading it
// reports it). Pseudo-roles (PUBLIC, CURRENT_USER, SESSION_USER, CURRENT_ROLE) are not names.
void collect_global_references(std::string_view sql, GlobalReferences& into);

}  // namespace pgshadow::sql
