#pragma once
// Who the server processes run as. PostgreSQL refuses to run as root, so when pgshadow is root
// its server tools run as an unprivileged account instead.
#include <sys/types.h>

#include <optional>
#include <string>

#include "pgshadow/util/result.h"

namespace pgshadow::pg {

struct ServerUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

// nullopt when pgshadow is not root (the server runs as the current user). As root: `postgres`
// if that account exists, else `nobody`; Error kInfrastructure when neither exists.
Result<std::optional<ServerUser>> unprivileged_server_user();

}  // namespace pgshadow::pg
