#pragma once
// SessionLogins for the two embedded clusters (see session_login.h): a session connects as its
// captured role, prepared (created LOGIN, or given LOGIN) on that side the first time one of its
// sessions logs in; else as the stand-in for unknown users.
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "admin_connection.h"
#include "pgshadow/pg/embedded_server.h"
#include "pgshadow/pg/session_login.h"
#include "role_provisioning.h"

namespace pgshadow::pg {

struct EmbeddedLoginPlan {
  std::array<const EmbeddedServer*, 2> servers{};  // baseline, shadow (owned by the caller)
  std::string database;
  // Created roles become members of this role (the baseline named no role: see RoleSetup).
  std::string member_of;
  bool as_captured_user = true;  // false (--no-set-role): every session runs as the stand-in
};

class EmbeddedLogins final : public SessionLogins {
 public:
  // `setup` (owned by the caller) receives what the baseline side did: roles created, LOGIN
  // granted, users run as the stand-in.
  EmbeddedLogins(EmbeddedLoginPlan plan, RoleSetup& setup) : plan_(std::move(plan)), setup_(setup) {}
  Result<SessionLogin> login_for(int side, const std::string& user) override;

 private:
  Result<RoleProvisioner*> provisioner(int side);
  // Why a user's sessions cannot run as its own role, or empty.
  std::string why_not_as_captured(int side, const std::string& user);
  void record_stand_in(const std::string& user, const std::string& why);

  EmbeddedLoginPlan plan_;
  RoleSetup& setup_;
  RoleSetup shadow_setup_;  // the shadow side does the same; its record is not reported twice
  std::array<std::unique_ptr<AdminConnection>, 2> admins_;
  std::array<std::optional<RoleProvisioner>, 2> provisioners_;
  std::array<std::map<std::string, SessionLogin>, 2> known_;
};

}  // namespace pgshadow::pg
