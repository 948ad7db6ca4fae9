// Which statement texts make the replay keep production's order: any that names serializable.
#include <catch2/catch.hpp>

#include "../../src/replay/serializable_watch.h"

namespace pgshadow::replay {

TEST_CASE("a statement that names serializable, in any case, is seen", "[replay][dispatch]") {
  CHECK(mentions_serializable("BEGIN ISOLATION LEVEL SERIALIZABLE"));
  CHECK(mentions_serializable("set transaction isolation level serializable read only deferrable"));
  CHECK(mentions_serializable("SET default_transaction_isolation = 'Serializable'"));
  CHECK(mentions_serializable("START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE"));
  CHECK_FALSE(mentions_serializable("BEGIN ISOLATION LEVEL REPEATABLE READ"));
  CHECK_FALSE(mentions_serializable("SELECT 1"));
  CHECK_FALSE(mentions_serializable(""));
  CHECK_FALSE(mentions_serializable("serializabl"));
}

}  // namespace pgshadow::replay
