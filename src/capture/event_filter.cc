#include "pgshadow/capture/event_filter.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "pgshadow/util/xxh3.h"
#include "timestamp.h"

namespace pgshadow::capture {
namespace {

bool listed(const std::vector<std::string>& allowed, const std::string& value) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

// A session's position in [0, 1), the same on every run and machine for a given seed.
double session_position(std::string_view session_id, std::uint64_t seed) {
  Xxh3Hasher hasher;
  hasher.update_u64(seed);
  hasher.update(session_id);
  return static_cast<double>(hasher.digest().high >> 11) / static_cast<double>(1ULL << 53);
}

}  // namespace

// seed + 1: apart from the shard's positions (seed 0), so that a sample of a shard is not skewed.
double session_sample_position(std::string_view session_id, std::uint64_t seed) {
  return session_position(session_id, seed + 1);
}

double sample_keeping(std::vector<double> positions, std::size_t kept) {
  if (kept >= positions.size()) return 1.0;
  if (kept == 0) return std::numeric_limits<double>::min();
  std::sort(positions.begin(), positions.end());
  return (positions[kept - 1] + positions[kept]) / 2.0;
}

bool EventFilter::empty() const {
  return databases.empty() && users.empty() && applications.empty() && !since_us && !until_us &&
         !sessions_sample && shard_count <= 1;
}

std::optional<std::string> EventFilter::reason_to_drop(const Event& event) const {
  if (!listed(databases, event.database)) return "database";
  if (!listed(users, event.user)) return "user";
  if (!listed(applications, event.application)) return "application";
  if (since_us && event.start_us < *since_us) return "before --since";
  if (until_us && event.start_us >= *until_us) return "after --until";
  if (shard_count > 1) {
    // Seed-independent, so that shards 0..n-1 of one capture are disjoint and complete.
    const auto shard = static_cast<std::uint32_t>(session_position(event.session_id, 0) * shard_count);
    if (shard != shard_index) return "other shard";
  }
  if (sessions_sample && session_sample_position(event.session_id, seed) >= *sessions_sample) {
    return "not in the session sample";
  }
  return std::nullopt;
}

Result<std::int64_t> parse_time_bound(std::string_view text) {
  auto iso = parse_iso8601_utc(text);
  if (iso) return iso;
  auto logged = parse_log_time(text);
  if (logged) return logged;
  return Error::bad_input("cannot read the time '" + std::string(text) +
                          "': use 2026-11-23T10:00:00Z or 2026-11-23 10:00:00 UTC");
}

Result<std::pair<std::uint32_t, std::uint32_t>> parse_shard(std::string_view text) {
  const auto bad = [&] {
    return Error::bad_input("--shard takes i/n with 0 <= i < n (e.g. 0/4), not '" + std::string(text) + "'");
  };
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return bad();
  std::uint32_t index = 0;
  std::uint32_t count = 0;
  const char* begin = text.data();
  const auto first = std::from_chars(begin, begin + slash, index);
  const auto second = std::from_chars(begin + slash + 1, begin + text.size(), count);
  if (first.ec != std::errc() || first.ptr != begin + slash || second.ec != std::errc() ||
      second.ptr != begin + text.size() || count == 0 || index >= count) {
    return bad();
  }
  return std::pair{index, count};
}

FilteredEventSource::FilteredEventSource(std::unique_ptr<EventSource> inner, EventFilter filter)
    : inner_(std::move(inner)), filter_(std::move(filter)) {}

Result<std::optional<Event>> FilteredEventSource::next() {
  for (;;) {
    auto next = inner_->next();
    if (!next || !next->has_value()) return next;
    std::optional<std::string> reason = filter_.reason_to_drop(**next);
    if (!reason) return next;
    ++filtered_;
    ++by_reason_[*reason];
  }
}

}  // namespace pgshadow::capture
