#include "pgshadow/core/event.h"

namespace pgshadow {

const char* to_string(Protocol protocol) {
  return protocol == Protocol::kSimple ? "simple" : "extended";
}

}  // namespace pgshadow
