#include <catch2/catch.hpp>
#include <set>

#include "pgshadow/capture/event_filter.h"

namespace pgshadow::capture {
namespace {

Event event_of(const std::string& session, std::int64_t start_us = 0, const std::string& database = "shop",
               const std::string& user = "app", const std::string& application = "web") {
  Event event;
  event.session_id = session;
  event.start_us = start_us;
  event.database = database;
  event.user = user;
  event.application = application;
  return event;
}

}  // namespace

TEST_CASE("filters by database, user, application and time window, naming the reason", "[filter]") {
  EventFilter filter;
  filter.databases = {"shop"};
  filter.users = {"app"};
  filter.applications = {"web"};
  filter.since_us = 100;
  filter.until_us = 200;
  CHECK_FALSE(filter.reason_to_drop(event_of("s", 150)).has_value());
  CHECK(filter.reason_to_drop(event_of("s", 150, "other")) == "database");
  CHECK(filter.reason_to_drop(event_of("s", 150, "shop", "admin")) == "user");
  CHECK(filter.reason_to_drop(event_of("s", 150, "shop", "app", "psql")) == "application");
  CHECK(filter.reason_to_drop(event_of("s", 99)) == "before --since");
  CHECK(filter.reason_to_drop(event_of("s", 200)) == "after --until");
}

TEST_CASE("shards split the sessions into disjoint parts that cover them all", "[filter]") {
  std::set<std::string> covered;
  for (std::uint32_t shard = 0; shard < 4; ++shard) {
    EventFilter filter;
    filter.shard_index = shard;
    filter.shard_count = 4;
    for (int s = 0; s < 400; ++s) {
      const std::string session = "session-" + std::to_string(s);
      if (!filter.reason_to_drop(event_of(session))) CHECK(covered.insert(session).second);
    }
  }
  CHECK(covered.size() == 400);
}

TEST_CASE("the session sample keeps about the fraction asked, the same sessions for the same seed", "[filter]") {
  const auto kept_with = [](std::uint64_t seed) {
    EventFilter filter;
    filter.sessions_sample = 0.25;
    filter.seed = seed;
    std::set<std::string> kept;
    for (int s = 0; s < 2000; ++s) {
      const std::string session = "s" + std::to_string(s);
      if (!filter.reason_to_drop(event_of(session))) kept.insert(session);
    }
    return kept;
  };
  const auto first = kept_with(7);
  CHECK(first == kept_with(7));
  CHECK(first != kept_with(8));
  CHECK(first.size() > 400);
  CHECK(first.size() < 600);
}

TEST_CASE("a sample fitted to the sessions keeps exactly the number asked, of any few", "[filter]") {
  for (std::size_t wanted : {0, 1, 3, 6, 9}) {
    std::vector<std::string> sessions;
    std::vector<double> positions;
    for (int s = 0; s < 9; ++s) {
      sessions.push_back("old/" + std::to_string(s));
      positions.push_back(session_sample_position(sessions.back(), 4));
    }
    EventFilter filter;
    filter.seed = 4;
    filter.sessions_sample = sample_keeping(positions, wanted);
    std::size_t kept = 0;
    for (const auto& session : sessions) kept += filter.reason_to_drop(event_of(session)) ? 0 : 1;
    CHECK(kept == wanted);
  }
}

TEST_CASE("time bounds and shards are read strictly, with the value at fault in the message", "[filter]") {
  CHECK(parse_time_bound("2026-11-23T10:00:00Z").value() == parse_time_bound("2026-11-23 10:00:00 UTC").value());
  auto bad_time = parse_time_bound("yesterday");
  REQUIRE_FALSE(bad_time.ok());
  CHECK(bad_time.error().message ==
        "cannot read the time 'yesterday': use 2026-11-23T10:00:00Z or 2026-11-23 10:00:00 UTC");
  CHECK(parse_shard("2/4").value() == std::pair<std::uint32_t, std::uint32_t>{2, 4});
  for (const char* bad : {"4/4", "1", "a/b", "1/0", "1/2x"}) {
    auto shard = parse_shard(bad);
    REQUIRE_FALSE(shard.ok());
    CHECK(shard.error().message == "--shard takes i/n with 0 <= i < n (e.g. 0/4), not '" + std::string(bad) + "'");
  }
}

}  // namespace pgshadow::capture
