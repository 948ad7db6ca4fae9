#include "version.h"

#include "pgshadow_build_info.h"  // generated: PGSHADOW_COMMIT

namespace pgshadow::cli {

std::string version_text() { return std::string("pgshadow ") + PGSHADOW_VERSION + " (commit " + PGSHADOW_COMMIT + ")"; }

}  // namespace pgshadow::cli
