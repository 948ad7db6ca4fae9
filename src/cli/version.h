#pragma once
// What `pgshadow --version` prints: the release and the commit the binary was built from.
#include <string>

namespace pgshadow::cli {

// "pgshadow 0.1.0 (commit 527f304e1a2b)"; "-dirty" after the commit when the tree had changes.
std::string version_text();

}  // namespace pgshadow::cli
