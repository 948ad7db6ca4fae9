#include "embedded_logins.h"

#include <algorithm>

namespace pgshadow::pg {

Result<RoleProvisioner*> EmbeddedLogins::provisioner(int side) {
  const auto index = static_cast<std::size_t>(side);
  if (!provisioners_[index]) {
    auto admin = connect_admin(plan_.servers[index]->conninfo("postgres"), "prepare the roles of replayed sessions");
    if (!admin) return admin.error();
    admins_[index] = std::move(admin).value();
    provisioners_[index].emplace(*admins_[index], side == 0 ? setup_ : shadow_setup_);
  }
  return &*provisioners_[index];
}

std::string EmbeddedLogins::why_not_as_captured(int side, const std::string& user) {
  if (!plan_.as_captured_user) return "--no-set-role";
  if (user.empty()) return "the log names no user";
  if (user == EmbeddedServer::superuser()) return "the embedded server's own superuser has this name";
  if (user.rfind("pg_", 0) == 0) return "a predefined role's name";
  auto provisioning = provisioner(side);
  if (!provisioning) return {};  // login_for reports the connection failure
  auto state = (*provisioning)->state_of(user);
  if (state.ok() && state->superuser) return "a superuser on the " + std::string(side == 0 ? "baseline" : "shadow");
  return {};
}

void EmbeddedLogins::record_stand_in(const std::string& user, const std::string& why) {
  const auto entry = std::make_pair(user, why);
  if (std::find(setup_.ran_as_unknown.begin(), setup_.ran_as_unknown.end(), entry) == setup_.ran_as_unknown.end()) {
    setup_.ran_as_unknown.push_back(entry);
  }
}

Result<SessionLogin> EmbeddedLogins::login_for(int side, const std::string& user) {
  auto& known = known_[static_cast<std::size_t>(side)];
  if (auto found = known.find(user); found != known.end()) return found->second;
  auto provisioning = provisioner(side);
  if (!provisioning) return provisioning.error();
  SessionLogin login;
  const std::string why_not = why_not_as_captured(side, user);
  if (why_not.empty()) {
    auto prepared = (*provisioning)->prepare_login(user, plan_.member_of, "captured user");
    if (!prepared) return prepared.error();
    login = {plan_.servers[static_cast<std::size_t>(side)]->conninfo(plan_.database, user), user, true};
  } else {
    if (side == 0) record_stand_in(user, why_not);
    login = {plan_.servers[static_cast<std::size_t>(side)]->conninfo(plan_.database, kUnknownUserRole),
             kUnknownUserRole, false};
  }
  known.emplace(user, login);
  return login;
}

}  // namespace pgshadow::pg
