#pragma once
// How a replayed session of a captured user logs in on one side: the second wall around captured
// traffic (the first skips statements that reach outside the databases). A replayed session never
// has more privilege than the captured user had, and never runs as a superuser.
//
// Embedded clusters (make_embedded_logins): the session connects AS its captured role (user= in
// its conninfo), so session_user is exactly production's and the traffic's own SET ROLE is
// checked as production checked it. The role exists as a NOSUPERUSER role (created, with LOGIN,
// when missing: the first time one of its sessions logs in, on both sides at that moment); a
// session whose user is unknown, or is the embedded superuser's name, runs as a non-superuser
// stand-in role with the baseline's default privileges.
//
// Servers given by DSN (make_dsn_logins): the session connects as the DSN's user and becomes the
// captured role at connection start (options=-c role=..., so RESET ROLE comes back to it) where
// that user may; a session that could only run as a superuser is refused (its statements fail
// with the reason). What cannot be guaranteed there is said in RoleSetup::cannot_guarantee.
//
// Called from the replay thread only; not thread-safe.
#include <memory>
#include <string>

#include "pgshadow/pg/role_setup.h"
#include "pgshadow/util/result.h"

namespace pgshadow::pg {

struct SessionLogin {
  std::string conninfo;      // how the session connects on that side
  std::string role;          // the role its statements run as
  bool as_captured = false;  // role is the captured user
};

class SessionLogins {
 public:
  virtual ~SessionLogins() = default;
  // side: 0 the baseline, 1 the shadow. The same user gets the same answer on a side for the
  // whole replay. Error (kInfrastructure) when the session cannot run without more privilege than
  // the captured user had, or the role cannot be prepared; the message says why.
  virtual Result<SessionLogin> login_for(int side, const std::string& user) = 0;
};

}  // namespace pgshadow::pg

namespace pgshadow::pg {

// The logins for two servers given by DSN. set_role false (--no-set-role): every session runs
// as the connecting user, which must then not be a superuser. What cannot be guaranteed is added
// to setup.cannot_guarantee (owned by the caller, which must outlive the result). Error
// kInfrastructure when a server cannot be reached.
Result<std::unique_ptr<SessionLogins>> make_dsn_logins(const std::string& baseline_conninfo,
                                                       const std::string& shadow_conninfo, bool set_role,
                                                       RoleSetup& setup);

}  // namespace pgshadow::pg
