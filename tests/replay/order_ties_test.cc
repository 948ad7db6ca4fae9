// Rows that tie under ORDER BY, against real servers: an index on the shadow returns tied rows
// in index order (issue 19).
#include <set>

#include "replay_harness.h"

namespace pgshadow::replay {
namespace {

// 40 posts, ten per score, inserted in a shuffled order: on the baseline a sort of the heap
// returns the tied rows in one order, on the shadow the index in another.
const std::string kPosts =
    "CREATE TABLE posts (id int PRIMARY KEY, title text NOT NULL, score int NOT NULL);"
    "INSERT INTO posts SELECT (g * 7) % 40 + 1, 'post ' || ((g * 7) % 40 + 1), ((g * 7) % 40 + 1) % 4"
    "  FROM generate_series(0, 39) g;"
    "ANALYZE posts;";
// The migration: an index on the sort key (then the id: tied rows come in id order), and a
// planner that takes it even on a small table.
const std::string kScoreIndex =
    "CREATE INDEX posts_score ON posts (score, id);"
    "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET enable_seqscan = off', current_database());"
    "EXECUTE format('ALTER DATABASE %I SET enable_bitmapscan = off', current_database()); END $$;";

const std::string kAllByScore = "SELECT id, title, score FROM posts ORDER BY score DESC";
const std::string kPageByScore = "SELECT id, title, score FROM posts ORDER BY score DESC LIMIT 5";
const std::string kTwoRuns = "SELECT id, title, score FROM posts ORDER BY score DESC LIMIT 15";
const std::string kKeyNotShown = "SELECT id, title FROM posts ORDER BY score DESC";
const std::string kBoundPage = "SELECT id, title, score FROM posts ORDER BY score DESC LIMIT $1 OFFSET $2";

// The ids a side returns, in order: the test's premise is that the sides differ there.
std::vector<int> ids(const std::string& conninfo, const std::string& sql) {
  pqxx::connection connection(conninfo);
  std::vector<int> result;
  for (const auto& row : pqxx::nontransaction(connection).exec(sql)) result.push_back(row[0].as<int>());
  return result;
}

}  // namespace

TEST_CASE("an index that returns tied rows in another order changes nothing, a cut tie is nondeterministic",
          "[replay][ties]") {
  const ReplayTargets targets = cluster().fresh_pair(kScoreIndex, kPosts);
  // The premise: the index really returns the ties in another order, and another page.
  const auto baseline_all = ids(targets.baseline_conninfo, kAllByScore);
  const auto shadow_all = ids(targets.shadow_conninfo, kAllByScore);
  REQUIRE(baseline_all != shadow_all);
  REQUIRE(std::multiset<int>(baseline_all.begin(), baseline_all.end()) ==
          std::multiset<int>(shadow_all.begin(), shadow_all.end()));
  const auto baseline_page = ids(targets.baseline_conninfo, kPageByScore);
  const auto shadow_page = ids(targets.shadow_conninfo, kPageByScore);
  REQUIRE(std::set<int>(baseline_page.begin(), baseline_page.end()) !=
          std::set<int>(shadow_page.begin(), shadow_page.end()));

  const auto observed = run(targets, {
      statement("a", 1, kAllByScore),
      statement("a", 2, kPageByScore),
      statement("a", 3, kKeyNotShown),
      extended("b", 4, kBoundPage, {std::string("5"), std::string("0")}),
      extended("b", 5, kBoundPage, {std::string("100"), std::string("0")}),
  });
  CHECK(observed.find(kAllByScore).divergence == DivergenceClass::kMatch);
  const Recorded& page = observed.find(kPageByScore);
  CHECK(page.divergence == DivergenceClass::kNondeterministic);
  CHECK(page.nondeterminism ==
        "LIMIT cuts through rows tied on the ORDER BY keys: which of the tied rows come back is unspecified");
  // The key is not in the result: rows out of order may be ties or not, unknown either way.
  const Recorded& hidden = observed.find(kKeyNotShown);
  CHECK(hidden.divergence == DivergenceClass::kNondeterministic);
  CHECK(hidden.nondeterminism.rfind("ORDER BY keys not all in the result", 0) == 0);
  REQUIRE(observed.compared.size() == 5);
  CHECK(observed.at(4).divergence == DivergenceClass::kNondeterministic);  // LIMIT 5
  CHECK(observed.at(5).divergence == DivergenceClass::kMatch);             // the limit cut nothing
}

TEST_CASE("a changed value under ORDER BY is still rows_changed where ties cannot explain it", "[replay][ties]") {
  // id 3 has score 3: in the first run of the page, which no LIMIT cuts.
  const ReplayTargets targets = cluster().fresh_pair(kScoreIndex + "UPDATE posts SET title = 'changed' WHERE id = 3;", kPosts);
  const auto observed = run(targets, {
      statement("a", 1, kAllByScore),
      statement("a", 2, kTwoRuns),
      extended("b", 3, kBoundPage, {std::string("100"), std::string("0")}),
  });
  CHECK(observed.find(kAllByScore).divergence == DivergenceClass::kRowsChanged);
  CHECK(observed.find(kTwoRuns).divergence == DivergenceClass::kRowsChanged);
  CHECK(observed.find(kBoundPage).divergence == DivergenceClass::kRowsChanged);
}

}  // namespace pgshadow::replay
