#pragma once
// What the connection code says about libpq's state, shared by the connection and its opening.
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <string>

#include "pgshadow/util/result.h"

namespace pgshadow::pg::libpq {

using Clock = std::chrono::steady_clock;

// A blocking wait looks at the interrupt flag this often.
inline constexpr auto kWakeUpEvery = std::chrono::milliseconds(100);

// libpq's message for the connection, without its trailing newline.
std::string connection_error(PGconn* conn);

inline bool is_set(const std::atomic<bool>* flag) { return flag != nullptr && flag->load(); }

inline Error interrupted_error() { return Error{ErrorKind::kInterrupted, "interrupted"}; }

std::string seconds_text(Clock::duration duration);

// libpq's connect_timeout when the conninfo sets one (libpq raises values below 2 to 2), else
// the default: a non-blocking connection gets no timeout from libpq itself.
Clock::duration connect_timeout_of(const std::string& conninfo);

}  // namespace pgshadow::pg::libpq
