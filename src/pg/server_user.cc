#include "server_user.h"

#include <pwd.h>
#include <unistd.h>

#include <vector>

namespace pgshadow::pg {
namespace {

std::optional<ServerUser> look_up(const char* name) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwnam_r(name, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
    return std::nullopt;
  }
  return ServerUser{name, entry.pw_uid, entry.pw_gid};
}

}  // namespace

Result<std::optional<ServerUser>> unprivileged_server_user() {
  if (geteuid() != 0) return std::optional<ServerUser>{};
  for (const char* name : {"postgres", "nobody"}) {
    if (auto user = look_up(name)) return std::optional<ServerUser>{*user};
  }
  return Error::infrastructure(
      "running as root, but neither user 'postgres' nor 'nobody' exists to run the server as");
}

}  // namespace pgshadow::pg
