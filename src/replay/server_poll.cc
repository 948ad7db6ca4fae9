// The driver's waits on the servers: one poll over every socket in flight, the lock checks as
// they fall due, and the deadlines past which a server is taken for gone.
#include <poll.h>

#include <algorithm>
#include <cerrno>

#include "replay_engine.h"

namespace pgshadow::replay {
namespace {

constexpr auto kLongestPoll = std::chrono::milliseconds(10);

}  // namespace

// On interruption the statements in flight are cancelled rather than waited for, so that a
// long statement cannot hold the run (and the embedded server) for its whole duration.
void ReplayEngine::cancel_in_flight() {
  if (cancelled_) return;
  cancelled_ = true;
  cancelled_at_ = clock_.now();
  // Sent to every server at once, not waited for: a server that stopped answering would hold
  // each request (enforce_answer_deadlines gives up on what is not cancelled in time).
  for (SessionRun* session : in_flight_) {
    for (SideRun& side : session->sides) {
      if (!side.in_flight) continue;
      side.cancelled_by_interrupt = true;
      side.connection->cancel(std::chrono::milliseconds(0));
    }
  }
}

// A statement in flight past statement_timeout plus the grace is cancelled; one that does not
// end within pg::kCancelWithin after that (nor after an interrupt's cancel) is given up: the
// server stopped answering. That ends the replay (note_connection_trouble).
void ReplayEngine::enforce_answer_deadlines() {
  const auto now = clock_.now();
  const bool interrupt_expired = cancelled_at_ && now - *cancelled_at_ >= pg::kCancelWithin;
  for (SessionRun* session : std::vector<SessionRun*>(in_flight_)) {
    for (int index = 0; index < 2; ++index) {
      SideRun& side = session->sides[static_cast<std::size_t>(index)];
      if (!side.in_flight) continue;
      if (interrupt_expired) {
        side.failure = "interrupted: the statement was cancelled and did not end in time";
        side.connection.reset();
        side.in_flight = false;
        continue;
      }
      if (!answer_within_ || now - side.sent_at < *answer_within_) continue;
      if (!side.cancelled_at) {
        side.cancelled_at = now;
        side.connection->cancel(std::chrono::milliseconds(0));
      } else if (now - *side.cancelled_at >= pg::kCancelWithin) {
        abandon_side(index, "no answer from the " + std::string(kSideNames[index]) + " server within " +
                                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - side.sent_at).count()) +
                                " s (statement_timeout " + settings_.statement_timeout + " and a cancel): it stopped answering");
      }
    }
  }
}

// A lost connection or one that cannot be opened: if the server itself no longer answers, the
// replay stops here rather than send the rest of the capture to a server that is gone.
void ReplayEngine::note_connection_trouble(int side) {
  if (server_gone_) return;
  if (pg::server_answers(conninfo_of(targets_, side), std::chrono::seconds(5))) return;
  abandon_side(side, "the " + std::string(kSideNames[side]) + " server no longer answers connections");
}

// Every statement in flight on the side fails with the reason, and nothing more is dispatched.
void ReplayEngine::abandon_side(int side, const std::string& reason) {
  if (!server_gone_) server_gone_ = reason;
  trace_("%s", reason.c_str());
  for (SessionRun* session : in_flight_) {
    SideRun& run = session->sides[static_cast<std::size_t>(side)];
    if (!run.in_flight && !run.awaiting_send) continue;
    run.failure = reason;
    run.connection.reset();
    run.opening.reset();
    run.in_flight = false;
    run.awaiting_send = false;
  }
  unsent_[static_cast<std::size_t>(side)].clear();
}

Status ReplayEngine::pump() {
  if (interrupted()) cancel_in_flight();
  enforce_answer_deadlines();
  std::vector<pollfd> descriptors;
  std::vector<std::pair<SessionRun*, int>> owners;
  // Wake up for the next lock check or stall break that falls due: a stall costs the replay
  // the whole poll when nothing else wakes it.
  const auto now = clock_.now();
  Clock::duration poll_for = kLongestPoll;
  if (const auto retry_at = arbiter_->stall_retry_at()) poll_for = std::min(poll_for, *retry_at - now);
  // A stall nobody looked at yet (a statement sent to wait on an idle session's lock) is looked
  // at after this poll: no socket will wake it.
  if (!arbiter_->stall_retry_at() && dispatch::stalled(running_besides(nullptr))) poll_for = Clock::duration::zero();
  for (SessionRun* session : in_flight_) {
    for (int index = 0; index < 2; ++index) {
      SideRun& side = session->sides[static_cast<std::size_t>(index)];
      if (!side.in_flight) continue;
      descriptors.push_back({side.connection->socket(), POLLIN, 0});
      owners.emplace_back(session, index);
      poll_for = std::min(poll_for, LockArbiter::next_check(side) - now);
    }
  }
  // Connections being opened for a statement to send, on the same poll, after the sides in flight.
  std::vector<std::pair<SessionRun*, int>> openings;
  for (SessionRun* session : in_flight_) {
    for (int index = 0; index < 2; ++index) {
      SideRun& side = session->sides[static_cast<std::size_t>(index)];
      if (!side.opening) continue;
      descriptors.push_back({side.opening->socket(), side.opening->events(), 0});
      openings.emplace_back(session, index);
      poll_for = std::min(poll_for, side.opening->deadline() - now);
    }
  }
  if (descriptors.empty()) {
    // Sides given up on (enforce_answer_deadlines) leave nothing to wait for: finish them.
    for (SessionRun* session : std::vector<SessionRun*>(in_flight_)) finish_if_done(*session);
    return Status::success();
  }
  const auto poll_micros = std::clamp<std::int64_t>(std::chrono::ceil<std::chrono::microseconds>(poll_for).count(), 50,
                                                    std::chrono::microseconds(kLongestPoll).count());
  const timespec poll_timeout{static_cast<time_t>(poll_micros / 1'000'000), static_cast<long>(poll_micros % 1'000'000) * 1000};
  int ready = 0;
  {
    const auto waiting = stages_.enter(StageClock::kWaitForServers);
    ready = ::ppoll(descriptors.data(), descriptors.size(), &poll_timeout, nullptr);
  }
  if (ready < 0 && errno != EINTR) return Error::infrastructure("poll failed");

  // The sides still running whose wait check fell due: asked together, one query per server.
  std::vector<LockArbiter::Due> due;
  for (std::size_t i = 0; i < owners.size(); ++i) {
    auto [session, index] = owners[i];
    SideRun& side = session->sides[static_cast<std::size_t>(index)];
    if (!side.in_flight) continue;  // given up on meanwhile (abandon_side)
    if (descriptors[i].revents == 0) {
      if (arbiter_->check_due(side)) due.push_back({session, static_cast<Side>(index), {}, {}});
      continue;
    }
    const auto receiving = stages_.enter(StageClock::kSendReceiveHash);
    auto advanced = side.connection->advance(side.sink);
    if (!advanced) {
      side.failure = std::string("connection lost: ") + advanced.error().message;
      side.connection.reset();  // reopened for the session's next statement
      side.in_flight = false;
      note_connection_trouble(index);
    } else if (advanced->has_value()) {
      side.result = side.sink.finish(**advanced);
      side.in_flight = false;
      side.finished_at = clock_.now();
      LockArbiter::finished(side);
    }
  }
  if (!due.empty()) {
    arbiter_->check(due);
    for (const LockArbiter::Due& checked : due) {
      if (!checked.blockers.empty()) note_lock_wait(*checked.session, checked.which, checked.blockers, checked.lock_type);
    }
  }
  {
    const auto connecting = stages_.enter(StageClock::kConnect);
    for (std::size_t at = 0; at < openings.size(); ++at) {
      auto [session, index] = openings[at];
      SideRun& side = session->sides[static_cast<std::size_t>(index)];
      if (!side.opening) continue;  // given up on meanwhile (abandon_side)
      const pollfd& descriptor = descriptors[owners.size() + at];
      side.opening->step(ready > 0 && descriptor.revents != 0);
      if (side.opening->done()) opened(*session, index);
    }
  }
  // finish_if_done may remove sessions from in_flight_: iterate over a copy.
  const auto judging = stages_.enter(StageClock::kCompareAndJudge);
  for (SessionRun* session : std::vector<SessionRun*>(in_flight_)) finish_if_done(*session);
  migration_blocks_.observe(std::any_of(in_flight_.begin(), in_flight_.end(),
                                        [](const SessionRun* session) { return session->behind_migration(); }),
                            clock_.now());
  report_progress(false);
  return Status::success();
}

}  // namespace pgshadow::replay
