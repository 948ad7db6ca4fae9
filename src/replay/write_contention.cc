#include "write_contention.h"

#include <deque>

namespace pgshadow::replay {
namespace {

constexpr std::size_t kMaxTableFactsRemembered = 10'000;
constexpr std::size_t kMaxFootprint = 64;  // a write reaching more tables contends with every write

}  // namespace

// One row per relation of that name ("plain", "sequence" or "other"), one per foreign-key
// neighbour ("fk:" and its name) and one per sequence its columns draw from ("seq:" and its
// name: a default's nextval, an identity, a serial's own): no relation of the name at all is not
// plain either.
WriteContention::TableFacts WriteContention::ask(int side, const std::string& name) const {
  pg::SessionConnection& catalog = *catalogs_[static_cast<std::size_t>(side)];
  const std::string relname = catalog.quote_literal(name);
  const std::string query =
      "SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' WHEN c.relkind = 'r' AND NOT c.relhasrules AND NOT c.relhassubclass AND NOT c.relispartition "
      "AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal) "
      "THEN 'plain' ELSE 'other' END FROM pg_class c WHERE c.relname = " + relname +
      " AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') "
      "UNION ALL SELECT 'fk:' || o.relname FROM pg_class c JOIN pg_constraint k ON k.contype = 'f' "
      "AND c.oid IN (k.conrelid, k.confrelid) JOIN pg_class o ON o.oid IN (k.conrelid, k.confrelid) "
      "AND o.oid <> c.oid WHERE c.relname = " + relname +
      " UNION ALL SELECT 'seq:' || s.relname FROM pg_class c JOIN pg_attrdef a ON a.adrelid = c.oid "
      "JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = a.oid "
      "AND d.refclassid = 'pg_class'::regclass JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S' "
      "WHERE c.relname = " + relname +
      " UNION ALL SELECT 'seq:' || s.relname FROM pg_class c JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass "
      "AND d.refobjid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
      "JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' WHERE c.relname = " + relname;
  TableFacts facts;
  auto rows = catalog.query_column(query, limits_);
  if (!rows) return facts;  // not known: not plain
  bool any = false;
  bool other = false;
  for (const std::string& row : *rows) {
    if (row == "plain" || row == "sequence") any = true;
    if (row == "other") other = true;
    if (row.starts_with("fk:")) facts.linked.insert(row.substr(3));
    if (row.starts_with("seq:")) facts.sequences.insert(row.substr(4));
  }
  facts.plain = any && !other;
  return facts;
}

const WriteContention::TableFacts& WriteContention::table(const std::string& name) {
  if (const auto found = known_.find(name); found != known_.end()) return found->second;
  if (known_.size() >= kMaxTableFactsRemembered) known_.clear();
  const auto checking = stages_.enter(StageClock::kLockChecks);
  TableFacts joined = ask(0, name);
  if (joined.plain) {
    TableFacts shadow = ask(1, name);
    joined.plain = shadow.plain;
    joined.linked.insert(shadow.linked.begin(), shadow.linked.end());
    joined.sequences.insert(shadow.sequences.begin(), shadow.sequences.end());
  }
  return known_.emplace(name, std::move(joined)).first->second;
}

std::optional<Footprint> WriteContention::footprint_of(const sql::StatementFacts& facts) {
  if (given_up_ || !facts.lock_footprint) return std::nullopt;
  Footprint reached;
  std::deque<std::string> next(facts.lock_footprint->begin(), facts.lock_footprint->end());
  while (!next.empty()) {
    const std::string name = std::move(next.front());
    next.pop_front();
    if (!reached.insert(name).second) continue;
    if (reached.size() > kMaxFootprint) return std::nullopt;
    const TableFacts& facts_of_table = table(name);
    if (!facts_of_table.plain) return std::nullopt;
    for (const std::string& linked : facts_of_table.linked) next.push_back(linked);
    reached.insert(facts_of_table.sequences.begin(), facts_of_table.sequences.end());
  }
  if (reached.size() > kMaxFootprint) return std::nullopt;
  return reached;
}

void WriteContention::catalog_may_change(const std::string& session) {
  if (changing_.insert(session).second) {
    trace_("the write rule applies to every write until %s ends its transaction: its write's locks are unknown "
           "(DDL, a function call, ...), and the catalog may change",
           session.c_str());
  }
}

void WriteContention::transaction_ended(const std::string& session) {
  if (changing_.erase(session) == 0) return;
  catalog_changed();
  if (changing_.empty()) trace_("the write rule goes by footprint again, asked of the catalog afresh");
}

void WriteContention::catalog_changed() {
  known_.clear();
  ++generation_;
}

void WriteContention::give_up(const std::string& why) {
  if (given_up_) return;
  given_up_ = true;
  trace_("the write rule applies to every write from here: %s", why.c_str());
}

}  // namespace pgshadow::replay
