#pragma once
// How long the replay waits for a server to answer a statement before taking it for gone.
//
// statement_timeout ends every replayed statement on a live server (and the probes' too). A
// server that has not answered by then, plus a grace for the cancel's round trip on a loaded
// machine, has stopped answering (SIGSTOP, a hung host or disk): waiting longer would hang the
// run, so the side is failed with that reason and the replay stops (replay.h, "server gone").
#include <chrono>
#include <optional>
#include <string_view>

#include "pgshadow/replay/replay.h"

namespace pgshadow::replay {

inline constexpr std::chrono::seconds kAnswerGrace{10};

// parse_postgres_duration is public (replay.h): --max-blocked and --migrate-during read it too.

// statement_timeout + kAnswerGrace; nullopt for a statement_timeout of 0 (no limit asked for:
// the replay then waits as long as the statement runs, and still wakes on signals) or one that
// does not parse (the server refuses it when the session opens).
std::optional<std::chrono::milliseconds> answer_deadline(std::string_view statement_timeout);

}  // namespace pgshadow::replay
