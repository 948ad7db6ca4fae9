#include "statement_feed.h"

#include <string>

#include "production_error.h"

namespace pgshadow::replay {
namespace {

// Where an event holds a NUL byte ("text", "parameters"), or nullptr.
const char* nul_byte_in(const Event& event) {
  if (event.sql.find('\0') != std::string::npos) return "text";
  for (const auto& parameter : event.parameters) {
    if (parameter && parameter->find('\0') != std::string::npos) return "parameters";
  }
  return nullptr;
}

}  // namespace

void StatementFeed::skip(const Event& event, const std::string& reason) {
  ++skipped_;
  observer_.on_skipped(event, reason);
}

Result<std::optional<Pending>> StatementFeed::read() {
  for (;;) {
    auto next = [&] {
      const auto reading = stages_.enter(StageClock::kReadCapture);
      return source_.next();
    }();
    if (!next) return next.error();
    if (!next->has_value()) return std::optional<Pending>();
    Event event = std::move(**next);
    ++events_;
    if (events_ == 1) first_capture_us_ = event.start_us;
    current_capture_us_ = event.start_us;
    if (event.sql.find_first_not_of(" \t\r\n;") == std::string::npos) {
      skip(event, "empty statement");
      continue;
    }
    if (const char* where = nul_byte_in(event); where != nullptr) {
      // libpq sends C strings: the statement would reach the server cut short at the NUL.
      skip(event, std::string("a NUL byte in its ") + where + ": PostgreSQL cannot receive it");
      continue;
    }
    StatementAnalysis analysis = [&] {
      const auto parsing = stages_.enter(StageClock::kParseSql);
      return analyzer_.analyze(event.sql);
    }();
    const sql::StatementFacts& facts = analysis.facts;
    if (facts.copies_from_client) {
      skip(event, "COPY FROM STDIN: its rows are not in the server log");
      continue;
    }
    // Captured traffic is input, not a script to trust: what would act on the replay's host or
    // servers is not run (unless its kind is allowed).
    if (facts.outside_reach && settings_.allowed_outside.count(facts.outside_reach->kind) == 0) {
      skip(event, "acts outside its database: " + facts.outside_reach->description);
      continue;
    }
    if (settings_.read_only && facts.may_write) {
      skip(event, "may write: not replayed with --read-only");
      continue;
    }
    const bool as_production_error = replays_as_production_error(event);
    // A cut value is not what production bound: the statement would be one production never ran
    // (replayed as its production error, it needs no value).
    if (event.parameters_truncated && !as_production_error) {
      skip(event, "parameter values cut by log_parameter_max_length");
      continue;
    }
    if (!event.duration_ms) ++events_without_duration_;
    if (as_production_error) {
      // Not raced again: it fails as in production, so it takes no lock, writes nothing and
      // plans nothing; a COMMIT that failed rolled its transaction back.
      analysis.facts.may_write = false;
      analysis.facts.is_explainable = false;
      if (analysis.facts.commits) analysis.facts.rolls_back = true;
      return std::optional<Pending>(Pending{std::move(event), std::move(analysis), true, {}, {}, {}});
    }
    return std::optional<Pending>(Pending{std::move(event), std::move(analysis), false, {}, {}, {}});
  }
}

Result<std::optional<Pending>> StatementFeed::next() {
  if (!lookahead_.empty()) {
    Pending pending = std::move(lookahead_.front());
    lookahead_.pop_front();
    return std::optional<Pending>(std::move(pending));
  }
  return read();
}

Result<Pending*> StatementFeed::ahead(std::size_t index) {
  while (index >= lookahead_.size()) {
    if (lookahead_.size() >= kMaxLookahead) return static_cast<Pending*>(nullptr);
    auto more = read();
    if (!more) return more.error();
    if (!more->has_value()) return static_cast<Pending*>(nullptr);
    lookahead_.push_back(std::move(**more));
  }
  return &lookahead_[index];
}

Pending StatementFeed::take_ahead(std::size_t index) {
  Pending pending = std::move(lookahead_[index]);
  lookahead_.erase(lookahead_.begin() + static_cast<std::ptrdiff_t>(index));
  return pending;
}

}  // namespace pgshadow::replay
