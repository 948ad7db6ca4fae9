#include "write_contention.h"

#include <algorithm>
#include <charconv>
#include <deque>

namespace pgshadow::replay {
namespace {

constexpr std::size_t kMaxTableFactsRemembered = 10'000;
constexpr std::size_t kMaxFootprint = 64;  // a write reaching more tables contends with every write

}  // namespace

constexpr char kSeparator = '\x1f';  // chr(31), in the catalog query's rows

std::vector<std::string> split_fields(const std::string& text) {
  std::vector<std::string> fields;
  std::size_t from = 0;
  for (;;) {
    const std::size_t at = text.find(kSeparator, from);
    fields.push_back(text.substr(from, at == std::string::npos ? std::string::npos : at - from));
    if (at == std::string::npos) return fields;
    from = at + 1;
  }
}

bool assigns_a_key_column(const std::set<std::string>& assigned, const dispatch::UniqueKeys& keys) {
  return std::any_of(keys.begin(), keys.end(), [&](const std::vector<std::string>& key) {
    return std::any_of(key.begin(), key.end(), [&](const std::string& column) { return assigned.count(column) != 0; });
  });
}

// One row per relation of that name ("plain", "sequence" or "other"), one per foreign-key
// neighbour ("fk:" and its name; "fk-self" for a key within the table), one per sequence its
// columns draw from ("seq:" and its name: a default's nextval, an identity, a serial's own), one
// per column ("col:", its name and its kind: see TableFacts::columns) and one per unique key
// ("key:", its index and its columns in order; "key?" for one that column values do not tell,
// and for an exclusion constraint): no relation of the name at all is not plain either.
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
      "JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' WHERE c.relname = " + relname +
      " UNION ALL SELECT 'fk-self' FROM pg_class c JOIN pg_constraint k ON k.contype = 'f' AND k.conrelid = c.oid "
      "AND k.confrelid = c.oid WHERE c.relname = " + relname +
      " UNION ALL SELECT 'col:' || a.attname || chr(31) || CASE WHEN a.atttypid IN ('int2'::regtype, 'int4'::regtype, "
      "'int8'::regtype) THEN 'i' WHEN a.atttypid IN ('text'::regtype, 'varchar'::regtype) AND coalesce((SELECT "
      "l.collisdeterministic FROM pg_collation l WHERE l.oid = a.attcollation), false) THEN 't' ELSE 'o' END "
      "FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
      "WHERE c.relname = " + relname +
      " UNION ALL SELECT CASE WHEN i.indpred IS NOT NULL OR i.indexprs IS NOT NULL OR EXISTS (SELECT 1 FROM "
      "unnest(i.indcollation::oid[]) AS k(collation_oid) JOIN pg_collation l ON l.oid = k.collation_oid WHERE NOT "
      "l.collisdeterministic) THEN 'key?' ELSE 'key:' || i.indexrelid || chr(31) || (SELECT string_agg(a.attname, "
      "chr(31) ORDER BY k.n) FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON "
      "a.attrelid = c.oid AND a.attnum = k.attnum) END FROM pg_class c JOIN pg_index i ON i.indrelid = c.oid AND "
      "i.indisunique WHERE c.relname = " + relname +
      " UNION ALL SELECT 'key?' FROM pg_class c JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'x' "
      "WHERE c.relname = " + relname;
  TableFacts facts;
  auto rows = catalog.query_column(query, limits_);
  if (!rows) return facts;  // not known: not plain
  bool any = false;
  bool other = false;
  bool keys_told = true;
  auto keys = std::make_shared<dispatch::UniqueKeys>();
  for (const std::string& row : *rows) {
    if (row == "plain" || row == "sequence") any = true;
    if (row == "other") other = true;
    if (row == "fk-self") facts.references_itself = true;
    if (row.starts_with("fk:")) facts.linked.insert(row.substr(3));
    if (row.starts_with("seq:")) facts.sequences.insert(row.substr(4));
    if (row == "key?") keys_told = false;
    if (row.starts_with("col:")) {
      const std::vector<std::string> fields = split_fields(row.substr(4));
      const char kind = fields.size() == 2 && fields[1].size() == 1 ? fields[1][0] : 'o';
      // Two relations of one name (in two schemas) with one column of two kinds: neither kind.
      const auto [column, inserted] = facts.columns.emplace(fields[0], kind);
      if (!inserted && column->second != kind) column->second = 'o';
    }
    if (row.starts_with("key:")) {
      std::vector<std::string> fields = split_fields(row.substr(4));
      if (fields.size() < 2) {
        keys_told = false;
        continue;
      }
      fields.erase(fields.begin());  // the index
      keys->push_back(std::move(fields));
    }
  }
  facts.plain = any && !other;
  if (keys_told) facts.unique_keys = std::move(keys);
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
    joined.references_itself = joined.references_itself || shadow.references_itself;
    for (auto& [column, kind] : joined.columns) {
      const auto other = shadow.columns.find(column);
      if (other == shadow.columns.end() || other->second != kind) kind = 'o';
    }
    if (!joined.unique_keys || !shadow.unique_keys) {
      joined.unique_keys.reset();
    } else {
      auto keys = std::make_shared<dispatch::UniqueKeys>(*joined.unique_keys);
      for (const auto& key : *shadow.unique_keys) {
        if (std::find(keys->begin(), keys->end(), key) == keys->end()) keys->push_back(key);
      }
      joined.unique_keys = std::move(keys);
    }
  }
  return known_.emplace(name, std::move(joined)).first->second;
}

std::optional<std::string> WriteContention::canonical(const sql::PinnedValue& pinned, char kind, const Event& event,
                                                       std::optional<std::vector<std::string>>& numbers) {
  using Source = sql::PinnedValue::Source;
  std::string text;
  if (pinned.source == Source::kParameter) {
    const auto at = static_cast<std::size_t>(pinned.index - 1);
    if (event.parameters_truncated || at >= event.parameters.size() || !event.parameters[at]) return std::nullopt;
    text = *event.parameters[at];
  } else if (pinned.source == Source::kNumber) {
    if (kind != 'i') return std::nullopt;
    if (!numbers) numbers = sql::number_constants(event.sql);
    const auto at = static_cast<std::size_t>(pinned.index);
    if (at >= numbers->size()) return std::nullopt;
    text = (pinned.negated ? "-" : "") + (*numbers)[at];
  } else {
    text = pinned.text;
  }
  if (kind == 'i') {
    if (!pinned.cast.empty() && pinned.cast != "int2" && pinned.cast != "int4" && pinned.cast != "int8") return std::nullopt;
    std::int64_t value = 0;
    const char* end = text.data() + text.size();
    const auto [stop, failed] = std::from_chars(text.data(), end, value);
    if (failed != std::errc() || stop != end) return std::nullopt;
    return std::to_string(value);
  }
  if (kind == 't') {
    if (!pinned.cast.empty() && pinned.cast != "text" && pinned.cast != "varchar") return std::nullopt;
    return text;
  }
  return std::nullopt;
}

dispatch::TableLocks WriteContention::narrowed(const sql::RowPins& pins, const TableFacts& table, const Event& event,
                                               std::optional<std::vector<std::string>>& numbers) {
  dispatch::TableLocks any;  // any_row
  if (table.references_itself) return any;
  dispatch::TableLocks locks;
  locks.any_row = false;
  locks.unique_keys = table.unique_keys;
  const auto value_of = [&](const std::map<std::string, sql::PinnedValue>& row,
                            const std::string& column) -> std::optional<std::string> {
    const auto pinned = row.find(column);
    const auto kind = table.columns.find(column);
    if (pinned == row.end() || kind == table.columns.end()) return std::nullopt;
    return canonical(pinned->second, kind->second, event, numbers);
  };
  if (!pins.assigned.empty() && (!table.unique_keys || assigns_a_key_column(pins.assigned, *table.unique_keys))) {
    return any;
  }
  locks.assigned = pins.assigned;
  if (pins.kind == sql::RowPins::Kind::kExisting) {
    if (pins.rows.size() != 1) return any;
    dispatch::PinnedRow found;
    for (const auto& [column, pinned] : pins.rows[0]) {
      if (auto value = value_of(pins.rows[0], column)) found.emplace(column, std::move(*value));
    }
    locks.found.push_back(std::move(found));
    return locks;
  }
  if (!table.unique_keys || pins.rows.size() > dispatch::kMaxPinnedRowsPerTable) return any;
  for (const auto& row : pins.rows) {
    dispatch::PinnedRow inserted;
    for (const std::vector<std::string>& key : *table.unique_keys) {
      for (const std::string& column : key) {
        auto value = value_of(row, column);
        if (!value) return any;  // a default, an expression, a NULL: the key is not known
        inserted[column] = std::move(*value);
      }
    }
    locks.inserted.push_back(std::move(inserted));
  }
  return locks;
}

std::optional<Footprint> WriteContention::footprint_of(const sql::StatementFacts& facts, const Event& event) {
  if (given_up_ || !facts.lock_footprint) return std::nullopt;
  Footprint reached;
  std::optional<std::vector<std::string>> numbers;
  std::deque<std::string> next(facts.lock_footprint->begin(), facts.lock_footprint->end());
  while (!next.empty()) {
    const std::string name = std::move(next.front());
    next.pop_front();
    if (reached.tables.count(name) != 0) continue;
    dispatch::TableLocks& locks = reached.tables[name];
    if (reached.tables.size() > kMaxFootprint) return std::nullopt;
    const TableFacts& facts_of_table = table(name);
    if (!facts_of_table.plain) return std::nullopt;
    // Only the statement's own table is narrowed: what its foreign keys reach, it may lock any
    // row of.
    const bool own = facts.lock_footprint->count(name) != 0;
    if (const auto pins = facts.row_pins.find(name); own && pins != facts.row_pins.end()) {
      locks = narrowed(pins->second, facts_of_table, event, numbers);
    }
    for (const std::string& linked : facts_of_table.linked) {
      // Reached through a foreign key, a narrowed table may have any row locked after all.
      if (const auto known = reached.tables.find(linked); known != reached.tables.end()) known->second = {};
      next.push_back(linked);
    }
    for (const std::string& sequence : facts_of_table.sequences) reached.tables[sequence].sequence = true;
  }
  if (reached.tables.size() > kMaxFootprint) return std::nullopt;
  return reached;
}

std::optional<Footprint> WriteContention::reads_of(const sql::StatementFacts& facts, const Event& event) {
  if (given_up_ || !facts.parsed || facts.statement_count != 1) return std::nullopt;
  if (facts.is_transaction_control) return Footprint{};
  if (!facts.lock_footprint || facts.tables_touched.size() != 1 || facts.row_pins.size() != 1) return std::nullopt;
  const auto& [name, pins] = *facts.row_pins.begin();
  const TableFacts& facts_of_table = table(name);
  if (!facts_of_table.plain) return std::nullopt;
  Footprint reads;
  dispatch::TableLocks& read = reads.tables[name];
  read.any_row = false;
  if (pins.kind == sql::RowPins::Kind::kInserted) return reads;  // it reads none of them
  std::optional<std::vector<std::string>> numbers;
  sql::RowPins found = pins;
  found.assigned.clear();  // what it reads is the rows before it assigns anything
  read = narrowed(found, facts_of_table, event, numbers);
  return reads;
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
