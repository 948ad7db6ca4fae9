#pragma once
// What pgshadow did to the roles of the clusters it prepared, and how the replayed sessions log
// in: the part of the report that says what the replay's privileges rest on. Filled by shadow
// preparation (pg::EmbeddedPair) and, for the roles created when a session first logs in, during
// the replay; read by the report at the end. Not thread-safe.
#include <cstdint>
#include <string>
#include <vector>

namespace pgshadow::pg {

struct CreatedRole {
  std::string name;
  std::string why;     // "named by the baseline", "captured user", "stands in for unknown users"
  bool login = false;  // LOGIN (a captured user) or NOLOGIN (only owns or is granted things)
};

struct DemotedRole {
  std::string name;
  // What was taken away: "SUPERUSER", "member of pg_execute_server_program", ...
  std::vector<std::string> removed;
};

struct RoleSetup {
  // Where the roles came from: "globals" (--globals FILE, pg_dumpall --globals-only) or
  // "created" (pgshadow created what the baseline and the capture name). Empty in DSN mode.
  std::string source;
  std::string globals_file;
  std::vector<CreatedRole> created;
  std::vector<DemotedRole> demoted;
  std::vector<std::string> login_granted;  // existed NOLOGIN, but a captured session logs in as it
  std::vector<std::string> skipped;        // statements of the globals file not run, and why
  std::string database_owner;
  // Owner of the objects the baseline creates without naming one.
  std::string objects_owner;
  // The baseline names no role at all (no owner, no grant): production's privileges are unknown,
  // and every captured role was made a member of objects_owner.
  bool captured_roles_are_owners = false;
  std::string unknown_user_role;  // runs the sessions whose user is unknown
  // Captured users whose sessions ran as unknown_user_role, each with why ("no user in the log").
  std::vector<std::pair<std::string, std::string>> ran_as_unknown;
  // What the setup cannot guarantee, one sentence each (DSN mode above all).
  std::vector<std::string> cannot_guarantee;
};

}  // namespace pgshadow::pg
