// may_contend over footprints narrowed to rows: two writes are told apart only where no lock can
// be wanted by both (footprint.h says why each case holds on a PostgreSQL server).
#include <catch2/catch.hpp>

#include "../../src/replay/footprint.h"

namespace pgshadow::replay::dispatch {
namespace {

const auto kKeyed = std::make_shared<const UniqueKeys>(UniqueKeys{{"id"}, {"email"}});
const auto kKeyless = std::make_shared<const UniqueKeys>();

enum class Rows { kFound, kInserted };

Footprint pinned(Rows rows, const std::string& table, PinnedRow row, std::shared_ptr<const UniqueKeys> keys) {
  Footprint footprint;
  TableLocks& locks = footprint.tables[table];
  locks.any_row = false;
  (rows == Rows::kFound ? locks.found : locks.inserted).push_back(std::move(row));
  locks.unique_keys = std::move(keys);
  return footprint;
}

Footprint found(const std::string& table, PinnedRow row, std::shared_ptr<const UniqueKeys> keys = kKeyed) {
  return pinned(Rows::kFound, table, std::move(row), std::move(keys));
}

Footprint inserted(const std::string& table, PinnedRow row, std::shared_ptr<const UniqueKeys> keys = kKeyed) {
  return pinned(Rows::kInserted, table, std::move(row), std::move(keys));
}

}  // namespace

TEST_CASE("rows found by one column's different values are apart, the same value, another column or no pin "
          "contend") {
  const Footprint five = found("accounts", {{"id", "5"}});
  const Footprint six = found("accounts", {{"id", "6"}});
  CHECK_FALSE(may_contend(&five, &six));
  CHECK(may_contend(&five, &five));
  // Another table entirely never contends; a null footprint always does.
  const Footprint other_table = found("tellers", {{"id", "5"}});
  CHECK_FALSE(may_contend(&five, &other_table));
  CHECK(may_contend(&five, nullptr));
  CHECK(may_contend(nullptr, &five));
  // One row may have id 5 and email x: pinned by different columns, they may be one row.
  const Footprint by_email = found("accounts", {{"email", "x"}});
  CHECK(may_contend(&five, &by_email));
  // Any shared column with different values is enough, whatever the others say.
  const Footprint five_in_b = found("accounts", {{"id", "5"}, {"branch", "b"}});
  const Footprint five_in_c = found("accounts", {{"id", "5"}, {"branch", "c"}});
  CHECK_FALSE(may_contend(&five_in_b, &five_in_c));
  const Footprint unpinned = found("accounts", {});
  CHECK(may_contend(&five, &unpinned));
  const Footprint whole = Footprint::of_tables({"accounts"});
  CHECK(may_contend(&five, &whole));
}

TEST_CASE("inserted rows contend when equal in every column of some unique key, and with found rows of a keyed "
          "table") {
  const Footprint one = inserted("users", {{"id", "1"}, {"email", "a"}});
  const Footprint two = inserted("users", {{"id", "2"}, {"email", "b"}});
  const Footprint same_email = inserted("users", {{"id", "3"}, {"email", "a"}});
  CHECK_FALSE(may_contend(&one, &two));
  CHECK(may_contend(&one, &same_email));
  // The insert's unique check waits on whoever writes a row holding its key, whatever that
  // writer pinned.
  const Footprint update = found("users", {{"id", "9"}});
  CHECK(may_contend(&one, &update));
  CHECK(may_contend(&update, &one));
}

TEST_CASE("inserts into a table without a unique key contend with nothing in it") {
  const Footprint history = inserted("history", {}, kKeyless);
  const Footprint more_history = inserted("history", {}, kKeyless);
  CHECK_FALSE(may_contend(&history, &more_history));
  const Footprint update = found("history", {{"account", "1"}}, kKeyless);
  CHECK_FALSE(may_contend(&history, &update));
  const Footprint whole = Footprint::of_tables({"history"});
  CHECK_FALSE(may_contend(&history, &whole));
  // Unknown keys (a partial unique index, an exclusion constraint) are no license.
  Footprint unknown_keys = inserted("history", {});
  unknown_keys.tables["history"].unique_keys.reset();
  CHECK(may_contend(&unknown_keys, &update));
  // Its sequence is another matter: two inserts drawing ids from one contend.
  Footprint drawing = history;
  drawing.tables["history_id_seq"];
  Footprint drawing_too = more_history;
  drawing_too.tables["history_id_seq"];
  CHECK(may_contend(&drawing, &drawing_too));
}

TEST_CASE("a transaction's footprint gathers its writes, and past the bound it may lock any row") {
  Footprint transaction = found("accounts", {{"id", "1"}});
  transaction.add(found("accounts", {{"id", "2"}}));
  transaction.add(Footprint::of_tables({"branches"}));
  const Footprint two = found("accounts", {{"id", "2"}});
  const Footprint three = found("accounts", {{"id", "3"}});
  CHECK(may_contend(&transaction, &two));
  CHECK_FALSE(may_contend(&transaction, &three));
  CHECK(transaction.table_names() == std::set<std::string>{"accounts", "branches"});
  for (std::size_t row = 0; row < kMaxPinnedRowsPerTable; ++row) {
    transaction.add(found("accounts", {{"id", std::to_string(100 + row)}}));
  }
  CHECK(transaction.tables["accounts"].any_row);
  CHECK(may_contend(&transaction, &three));
  // Whole once is whole for good, in either order of adding.
  Footprint whole_first = Footprint::of_tables({"accounts"});
  whole_first.add(three);
  CHECK(whole_first.tables["accounts"].any_row);
  CHECK(may_contend(&whole_first, &two));
}

}  // namespace pgshadow::replay::dispatch

namespace pgshadow::replay::dispatch {

TEST_CASE("a write will wait on an open transaction that locked the row its values pin, and no prediction is made "
          "short of that",
          "[replay][dispatch]") {
  Footprint transaction = found("branches", {{"id", "3"}});
  transaction.add(inserted("history", {}, kKeyless));
  transaction.add(found("accounts", {{"id", "7"}}));
  const Footprint branch3 = found("branches", {{"id", "3"}});
  const Footprint branch3_in_a = found("branches", {{"id", "3"}, {"region", "a"}});
  const Footprint branch4 = found("branches", {{"id", "4"}});
  CHECK(will_wait(branch3, transaction));
  CHECK(will_wait(branch3_in_a, transaction));  // the columns both pin are equal
  CHECK_FALSE(will_wait(branch4, transaction));
  CHECK_FALSE(will_wait(inserted("history", {}, kKeyless), transaction));
  // Pinned by other columns, or any row of it: maybe the same row, maybe not.
  CHECK_FALSE(will_wait(found("branches", {{"region", "a"}}), transaction));
  CHECK_FALSE(will_wait(Footprint::of_tables({"branches"}), transaction));
  CHECK_FALSE(will_wait(branch3, Footprint::of_tables({"branches"})));
  // An insert of a key the transaction found or inserted waits on it.
  Footprint signups = inserted("users", {{"id", "1"}, {"email", "a"}});
  CHECK(will_wait(inserted("users", {{"id", "2"}, {"email", "a"}}), signups));
  CHECK_FALSE(will_wait(inserted("users", {{"id", "2"}, {"email", "b"}}), signups));
  CHECK(will_wait(inserted("users", {{"id", "7"}, {"email", "c"}}), found("users", {{"id", "7"}})));
  // A sequence orders draws, it makes no one wait.
  Footprint draws;
  draws.tables["ids"].sequence = true;
  CHECK_FALSE(will_wait(draws, draws));
}

}  // namespace pgshadow::replay::dispatch

namespace pgshadow::replay::dispatch {

TEST_CASE("a read sees a commit that changed, inserted into or moved rows into what it pins, and nothing else",
          "[replay][dispatch]") {
  const Footprint reads_five = found("accounts", {{"id", "5"}});
  const Footprint writes_six = found("accounts", {{"id", "6"}});
  const Footprint writes_five = found("accounts", {{"id", "5"}});
  CHECK_FALSE(may_see(&reads_five, &writes_six));
  CHECK(may_see(&reads_five, &writes_five));
  // An insert is seen by a reader of its table, key or not (unlike may_contend).
  const Footprint history_insert = inserted("history", {}, kKeyless);
  const Footprint reads_history = found("history", {{"account", "5"}}, kKeyless);
  CHECK(may_see(&reads_history, &history_insert));
  CHECK_FALSE(may_contend(&reads_history, &history_insert));
  // An update that assigns a column the reader pins may move a row into its pins.
  Footprint regroup = found("accounts", {{"id", "6"}});
  regroup.tables["accounts"].assigned = {"branch"};
  const Footprint reads_branch = found("accounts", {{"id", "5"}, {"branch", "b"}});
  CHECK(may_see(&reads_branch, &regroup));
  CHECK_FALSE(may_see(&reads_five, &regroup));
  CHECK(may_see(nullptr, &regroup));
  CHECK(may_see(&reads_five, nullptr));
  CHECK_FALSE(may_see(&reads_five, &history_insert));
}

TEST_CASE("a waiting write cannot tell a commit that only changed other columns of its rows from one after its "
          "snapshot, and can tell inserts and rows moved into its WHERE",
          "[replay]") {
  // pgbench: the waiter adds to a branch's balance; the holder added to the same branch's.
  const std::set<std::string> by_bid{"bid"};
  Footprint waiter = found("pgbench_branches", {{"bid", "3"}});
  Footprint holder = found("pgbench_branches", {{"bid", "3"}});
  holder.tables["pgbench_branches"].assigned = {"bbalance"};
  holder.add(found("pgbench_accounts", {{"aid", "17"}}));
  holder.add(Footprint::of_tables({"pgbench_history"}));
  CHECK(same_either_side_of_commit(waiter, by_bid, holder));
  // The waiter's own table untouched, or only rows deleted from it: the same either way.
  CHECK(same_either_side_of_commit(waiter, by_bid, Footprint::of_tables({"pgbench_history"})));
  CHECK(same_either_side_of_commit(waiter, by_bid, found("pgbench_branches", {{"bid", "3"}})));
  // A sequence the waiter's table draws from is no table it reads.
  waiter.tables["pgbench_branches_bid_seq"].sequence = true;
  CHECK(same_either_side_of_commit(waiter, by_bid, holder));

  // The holder deleted the row and inserted it again: a snapshot after its commit sees the new
  // row, a waiter only the deletion (sysbench's DELETE, 0 rows on one side, 1 on the other).
  Footprint reinserted = found("pgbench_branches", {{"bid", "3"}});
  reinserted.add(inserted("pgbench_branches", {{"bid", "3"}}));
  CHECK_FALSE(same_either_side_of_commit(waiter, by_bid, reinserted));
  // A column the WHERE reads assigned: a row may move into it, which the snapshot before the
  // commit does not see (the waiter then never reaches it).
  const std::set<std::string> by_bid_and_state{"bid", "state"};
  Footprint reopened = found("pgbench_branches", {{"bid", "3"}});
  reopened.tables["pgbench_branches"].assigned = {"state"};
  CHECK(same_either_side_of_commit(waiter, by_bid, reopened));
  CHECK_FALSE(same_either_side_of_commit(waiter, by_bid_and_state, reopened));
  // Rows of the table it may have locked any of (an INSERT ... SELECT, an unpinned UPDATE).
  CHECK_FALSE(same_either_side_of_commit(waiter, by_bid, Footprint::of_tables({"pgbench_branches"})));
  // A waiter that writes two tables (a foreign key reaches another) reads more than its rows.
  Footprint linked = waiter;
  linked.tables["branch_regions"];
  CHECK_FALSE(same_either_side_of_commit(linked, by_bid, holder));
  CHECK_FALSE(same_either_side_of_commit(Footprint{}, by_bid, holder));
}

}  // namespace pgshadow::replay::dispatch
