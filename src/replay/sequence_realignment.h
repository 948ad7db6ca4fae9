#pragma once
// After a root wrote on one side only, or a transaction committed on one side only, the two
// sides' sequences may have been drawn from differently (statements skipped in an aborted
// transaction draw nothing): every later INSERT would get other ids on the shadow, and every
// read of them would differ. The side behind is moved up to the side ahead, so that what follows
// compares exactly, and no side hands out again an id its one-sided writes already hold; the
// report counts each re-alignment.
//
// Invariant: afterwards every sequence both sides have shows the same last_value, the one
// further along in its direction. Call it with nothing in flight: a statement that has drawn an
// id on one side and not yet on the other would get the wrong one.
#include <cstdint>

#include "pgshadow/pg/session_connection.h"

namespace pgshadow::replay {

// The number of sequences moved, on either side (0 when they agreed, or a side did not answer).
std::uint64_t realign_sequences(pg::SessionConnection& baseline, pg::SessionConnection& shadow);

}  // namespace pgshadow::replay
