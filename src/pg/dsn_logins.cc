// SessionLogins for servers given by DSN (see session_login.h): the servers are used as they are.
#include <pqxx/nontransaction>
#include <pqxx/result>

#include <array>
#include <map>

#include "admin_connection.h"
#include "libpq_options.h"
#include "pgshadow/pg/conninfo.h"
#include "pgshadow/pg/session_login.h"

namespace pgshadow::pg {
namespace {

constexpr const char* kSideNames[] = {"baseline", "shadow"};

struct Side {
  std::string conninfo;
  std::unique_ptr<AdminConnection> monitor;
  std::string user;
  bool superuser = false;
  std::map<std::string, SessionLogin> known;
  std::map<std::string, Error> refused;
};

class DsnLogins final : public SessionLogins {
 public:
  DsnLogins(bool set_role, RoleSetup& setup) : set_role_(set_role), setup_(setup) {}
  Status open(int side, const std::string& conninfo);
  Result<SessionLogin> login_for(int side, const std::string& user) override;

 private:
  // The captured role's state: exists, is a superuser, may be assumed by the connecting user.
  struct Assumable {
    bool exists = false;
    bool superuser = false;
    bool member = false;
  };
  Result<Assumable> assumable(Side& side, const std::string& user);

  bool set_role_;
  RoleSetup& setup_;
  std::array<Side, 2> sides_;
};

Status DsnLogins::open(int index, const std::string& conninfo) {
  Side& side = sides_[static_cast<std::size_t>(index)];
  side.conninfo = conninfo;
  auto monitor = connect_admin(conninfo, "look up the roles of replayed sessions");
  if (!monitor) return monitor.error();
  side.monitor = std::move(monitor).value();
  try {
    pqxx::nontransaction work(side.monitor->get());
    const pqxx::row row = work.exec1("SELECT session_user, rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user");
    side.user = row[0].c_str();
    side.superuser = row[1].as<bool>();
  } catch (const std::exception& error) {
    return Error::infrastructure(std::string(kSideNames[index]) + ": cannot look up the connecting user: " +
                                 primary_message(error));
  }
  if (side.superuser) {
    setup_.cannot_guarantee.push_back(
        std::string(kSideNames[index]) + ": connected as " + side.user +
        ", a superuser: sessions become their captured role at connection start, and one that cannot is "
        "refused; but a replayed SET ROLE, SET SESSION AUTHORIZATION or RESET SESSION AUTHORIZATION can still "
        "take a session back to the superuser");
  }
  return {};
}

Result<DsnLogins::Assumable> DsnLogins::assumable(Side& side, const std::string& user) {
  try {
    pqxx::nontransaction work(side.monitor->get());
    const pqxx::result rows = work.exec_params(
        "SELECT rolsuper, pg_catalog.pg_has_role(session_user, oid, 'MEMBER') FROM pg_catalog.pg_roles "
        "WHERE rolname = $1",
        user);
    if (rows.empty()) return Assumable{};
    return Assumable{true, rows[0][0].as<bool>(), rows[0][1].as<bool>()};
  } catch (const std::exception& error) {
    return Error::infrastructure("cannot look up role \"" + user + "\": " + primary_message(error));
  }
}

Result<SessionLogin> DsnLogins::login_for(int index, const std::string& user) {
  Side& side = sides_[static_cast<std::size_t>(index)];
  if (auto found = side.known.find(user); found != side.known.end()) return found->second;
  if (auto found = side.refused.find(user); found != side.refused.end()) return found->second;
  std::string why_not;
  if (!set_role_) {
    why_not = "--no-set-role";
  } else if (user.empty()) {
    why_not = "the log names no user";
  } else {
    auto role = assumable(side, user);
    if (!role) return role.error();
    if (!role->exists) {
      why_not = "no such role on the " + std::string(kSideNames[index]);
    } else if (role->superuser) {
      why_not = "a superuser on the " + std::string(kSideNames[index]);
    } else if (!role->member) {
      why_not = side.user + " may not become it";
    } else {
      std::string options = setting_of(side.conninfo, "options");
      options += (options.empty() ? "" : " ") + std::string("-c role=") + options_word(user);
      auto conninfo = with_setting(side.conninfo, "options", options);
      if (!conninfo) return conninfo.error();
      SessionLogin login{*conninfo, user, true};
      side.known.emplace(user, login);
      return login;
    }
  }
  if (side.superuser) {
    if (index == 0) setup_.ran_as_unknown.emplace_back(user, why_not + ": refused, the connecting user is a superuser");
    Error refusal = Error::infrastructure("refused to run the session as " + side.user + ", a superuser, instead of " +
                                          (user.empty() ? std::string("its unknown user") : "\"" + user + "\"") +
                                          " (" + why_not + ")");
    side.refused.emplace(user, refusal);
    return refusal;
  }
  if (index == 0) setup_.ran_as_unknown.emplace_back(user, why_not + ": ran as " + side.user);
  SessionLogin login{side.conninfo, side.user, false};
  side.known.emplace(user, login);
  return login;
}

}  // namespace

Result<std::unique_ptr<SessionLogins>> make_dsn_logins(const std::string& baseline_conninfo,
                                                       const std::string& shadow_conninfo, bool set_role,
                                                       RoleSetup& setup) {
  auto logins = std::make_unique<DsnLogins>(set_role, setup);
  setup.cannot_guarantee.push_back(
      "the servers are used as they are: their roles, privileges, database names and OID counters are the "
      "servers' own, and pgshadow created, changed and demoted no role");
  for (int side = 0; side < 2; ++side) {
    if (Status opened = logins->open(side, side == 0 ? baseline_conninfo : shadow_conninfo); !opened) {
      return opened.error();
    }
  }
  return std::unique_ptr<SessionLogins>(std::move(logins));
}

}  // namespace pgshadow::pg
