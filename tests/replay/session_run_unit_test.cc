// What a session tells the dispatch rule of the statement that waits for its turn behind the one
// it has in flight: no server.
#include <catch2/catch.hpp>

#include "../../src/replay/dispatch_rule.h"
#include "../../src/replay/session_run.h"

namespace pgshadow::replay {
namespace {

sql::StatementFacts facts_of(bool transaction_control, bool parsed = true) {
  sql::StatementFacts facts;
  facts.parsed = parsed;
  facts.is_transaction_control = transaction_control;
  return facts;
}

// Makes `session`'s statement `in_flight` run on both sides.
void make_busy_with(SessionRun& session, const sql::StatementFacts& in_flight) {
  session.id = "s";
  Event event;
  event.session_id = "s";
  session.event = event;
  session.facts = in_flight;
  for (SideRun& side : session.sides) side.in_flight = true;
}

sql::StatementFacts autocommit_write() {
  sql::StatementFacts write;
  write.parsed = true;
  write.may_write = true;
  return write;
}

}  // namespace

TEST_CASE("a write waiting behind its session's transaction control in flight may publish: its state is not known yet",
          "[session_run]") {
  // Behind BEGIN it will run inside a block; behind COMMIT, outside one (it publishes). Until the
  // statement in flight ends, neither is known.
  SessionRun behind_control;
  make_busy_with(behind_control, facts_of(/*transaction_control=*/true));
  CHECK(behind_control.next_statement_state() == pg::TransactionState::kUnknown);
  CHECK(dispatch::publishes(autocommit_write(), behind_control.next_statement_state()));
  SessionRun behind_unparsed;
  make_busy_with(behind_unparsed, facts_of(false, /*parsed=*/false));
  CHECK(behind_unparsed.next_statement_state() == pg::TransactionState::kUnknown);
}

TEST_CASE("behind a statement that is no transaction control, the next statement starts in the state before it",
          "[session_run]") {
  SessionRun behind_read;
  make_busy_with(behind_read, facts_of(false));
  CHECK(behind_read.next_statement_state() == behind_read.baseline_state());
  SessionRun idle;
  CHECK(idle.next_statement_state() == pg::TransactionState::kIdle);
}

}  // namespace pgshadow::replay
