// scale_tables: copies of a table's rows under new keys, until it holds the rows asked for.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "pgshadow/pg/session_connection.h"
#include "pgshadow/pg/table_scaling.h"

namespace pgshadow::pg {
namespace {

// A batch inserts about this many rows: few enough that an interrupt is answered within
// seconds, many enough that statement overhead does not count.
constexpr std::uint64_t kRowsPerBatch = 1'000'000;
constexpr const char* kSourceTable = "pg_temp.pgshadow_scale_source";
constexpr const char* kOrdinalColumn = "pgshadow_scale_ordinal";

// Rows of a catalog query, NULL as nullopt.
class CollectingSink final : public RowSink {
 public:
  void on_columns(const std::vector<ColumnDescription>&) override {}
  void on_row(const std::vector<std::optional<std::string_view>>& values) override {
    auto& row = rows.emplace_back();
    for (const auto& value : values) row.push_back(value ? std::optional<std::string>(*value) : std::nullopt);
  }
  std::vector<std::vector<std::optional<std::string>>> rows;
};

using Rows = std::vector<std::vector<std::optional<std::string>>>;

// How a key column's copies get new values.
enum class KeyKind { kNumber, kDate, kTimestamp, kText, kUuid, kOther };

KeyKind key_kind(std::uint32_t base_type, const std::string& category) {
  switch (base_type) {
    case 20: case 21: case 23: case 700: case 701: case 1700: return KeyKind::kNumber;  // int8/2/4, float4/8, numeric
    case 1082: return KeyKind::kDate;
    case 1114: case 1184: return KeyKind::kTimestamp;
    case 2950: return KeyKind::kUuid;
    default: return category == "S" ? KeyKind::kText : KeyKind::kOther;
  }
}

// The lowest value of the integer types, for the check that copies still fit.
std::optional<std::string> lowest_value(std::uint32_t base_type) {
  switch (base_type) {
    case 21: return "-32768";
    case 23: return "-2147483648";
    case 20: return "-9223372036854775808";
    default: return std::nullopt;
  }
}

struct Column {
  int number = 0;
  std::string name;
  std::string type;  // format_type, for messages
  std::uint32_t base_type = 0;
  KeyKind kind = KeyKind::kOther;
  bool generated = false;       // GENERATED ALWAYS AS (...) STORED: not inserted
  bool identity_always = false;  // GENERATED ALWAYS AS IDENTITY: needs OVERRIDING SYSTEM VALUE
};

struct UniqueKey {
  std::string name;
  bool primary = false;
  std::vector<int> columns;  // key columns, and the columns an expression key uses
};

struct TableFacts {
  std::uint32_t oid = 0;
  std::string name;  // qualified, as regclass prints it
  std::vector<Column> columns;
  std::vector<UniqueKey> unique_keys;  // the primary key first
  std::set<int> foreign_key_columns;
  std::vector<std::string> exclusion_constraints;
};

class Scaler {
 public:
  Scaler(SessionConnection& connection, const ScaleProgress& progress, const std::atomic<bool>* interrupted)
      : connection_(connection), progress_(progress), interrupted_(interrupted) {}

  Result<ScaledTable> scale(const TableScale& target) {
    auto facts = read_facts(target);
    if (!facts) return facts.error();
    auto count = scalar("SELECT count(*) FROM " + facts->name);
    if (!count) return count.error();
    ScaledTable scaled;
    scaled.table = facts->name;
    scaled.rows_before = std::stoull(*count);
    scaled.rows_after = scaled.rows_before;
    if (scaled.rows_before >= target.rows) return scaled;
    if (scaled.rows_before == 0) {
      return bad(target, facts->name + " is empty after the baseline: there is no row to copy");
    }
    if (!facts->exclusion_constraints.empty()) {
      return bad(target, facts->name + " has the exclusion constraint " + facts->exclusion_constraints.front() +
                             ", which copies of its rows would violate");
    }
    auto moved = columns_to_move(target, *facts);
    if (!moved) return moved.error();
    for (int number : *moved) scaled.moved_columns.push_back(column(*facts, number).name);

    const std::uint64_t n = scaled.rows_before;
    const std::uint64_t extra = target.rows - n;
    const std::uint64_t full_copies = extra / n;
    const std::uint64_t remainder = extra % n;
    const std::uint64_t last_copy = full_copies + (remainder > 0 ? 1 : 0);
    if (Status s = make_source(*facts, remainder > 0); !s) return s.error();
    auto expressions = new_values(target, *facts, *moved, last_copy);
    if (!expressions) return expressions.error();

    const std::uint64_t copies_per_batch = std::max<std::uint64_t>(1, kRowsPerBatch / n);
    std::uint64_t rows = n;
    for (std::uint64_t first = 1; first <= full_copies; first += copies_per_batch) {
      const std::uint64_t last = std::min(full_copies, first + copies_per_batch - 1);
      if (Status s = insert_copies(*facts, *expressions, first, last, std::nullopt); !s) return s.error();
      rows += (last - first + 1) * n;
      if (progress_) progress_(facts->name, rows, target.rows);
    }
    if (remainder > 0) {
      if (Status s = insert_copies(*facts, *expressions, last_copy, last_copy, remainder); !s) return s.error();
      rows += remainder;
      if (progress_) progress_(facts->name, rows, target.rows);
    }
    if (Status s = execute("DROP TABLE " + std::string(kSourceTable)); !s) return s.error();
    // Hint bits set and statistics taken now, on both sides alike, rather than by the first
    // replayed statements or by autovacuum in the middle of the replay.
    if (Status s = execute("VACUUM (ANALYZE) " + facts->name); !s) return s.error();
    auto counted = scalar("SELECT count(*) FROM " + facts->name);
    if (!counted) return counted.error();
    scaled.rows_after = std::stoull(*counted);
    return scaled;
  }

 private:
  static Error bad(const TableScale& target, const std::string& why) {
    return Error::bad_input("--scale-table " + target.table + "=" + std::to_string(target.rows) + ": " + why);
  }

  static const Column& column(const TableFacts& facts, int number) {
    return *std::find_if(facts.columns.begin(), facts.columns.end(), [&](const Column& c) { return c.number == number; });
  }

  Result<Rows> query(const std::string& sql) {
    CollectingSink sink;
    auto done = connection_.run({sql, false, "", nullptr}, sink, {std::chrono::milliseconds(0), interrupted_});
    if (!done) return done.error();
    if (!done->succeeded) {
      return Error::infrastructure("scaling a table: " + done->message + " (SQLSTATE " + done->sqlstate + ")");
    }
    return std::move(sink.rows);
  }

  Result<std::string> scalar(const std::string& sql) {
    auto rows = query(sql);
    if (!rows) return rows.error();
    if (rows->empty() || rows->front().empty()) return std::string();
    return rows->front().front().value_or("");
  }

  Status execute(const std::string& sql) {
    auto rows = query(sql);
    if (!rows) return rows.error();
    return {};
  }

  Result<TableFacts> read_facts(const TableScale& target) {
    const std::string oid_of = "to_regclass(" + connection_.quote_literal(target.table) + ")";
    auto found = query("SELECT c.oid, c.oid::regclass::text, c.relkind FROM pg_class c WHERE c.oid = " + oid_of);
    if (!found) return found.error();
    if (found->empty()) return bad(target, "the baseline has no table " + target.table);
    TableFacts facts;
    facts.oid = static_cast<std::uint32_t>(std::stoul(*(*found)[0][0]));
    facts.name = *(*found)[0][1];
    const std::string relkind = *(*found)[0][2];
    if (relkind != "r" && relkind != "p") {
      return bad(target, facts.name + " is not a table (pg_class.relkind '" + relkind + "')");
    }
    const std::string oid = std::to_string(facts.oid);
    auto columns = query(
        "SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), "
        "       CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END, "
        "       (SELECT b.typcategory FROM pg_type b "
        "         WHERE b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END), "
        "       a.attgenerated <> '', a.attidentity = 'a' "
        "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE a.attrelid = " + oid + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum");
    if (!columns) return columns.error();
    for (const auto& row : *columns) {
      Column c;
      c.number = std::stoi(*row[0]);
      c.name = *row[1];
      c.type = *row[2];
      c.base_type = static_cast<std::uint32_t>(std::stoul(*row[3]));
      c.kind = key_kind(c.base_type, row[4].value_or(""));
      c.generated = row[5] == "t";
      c.identity_always = row[6] == "t";
      facts.columns.push_back(std::move(c));
    }
    // Key columns, and for an expression key the columns its expressions use (pg_depend).
    auto keys = query(
        "SELECT i.indexrelid::regclass::text, i.indisprimary, k.attnum "
        "FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position) "
        "WHERE i.indrelid = " + oid + " AND i.indisunique AND k.position <= i.indnkeyatts AND k.attnum > 0 "
        "UNION "
        "SELECT i.indexrelid::regclass::text, i.indisprimary, d.refobjsubid "
        "FROM pg_index i JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid "
        "  AND d.refclassid = 'pg_class'::regclass AND d.refobjid = i.indrelid AND d.refobjsubid > 0 "
        "WHERE i.indrelid = " + oid + " AND i.indisunique AND i.indexprs IS NOT NULL "
        "ORDER BY 2 DESC, 1, 3");
    if (!keys) return keys.error();
    for (const auto& row : *keys) {
      if (facts.unique_keys.empty() || facts.unique_keys.back().name != *row[0]) {
        facts.unique_keys.push_back({*row[0], row[1] == "t", {}});
      }
      facts.unique_keys.back().columns.push_back(std::stoi(*row[2]));
    }
    auto references = query("SELECT DISTINCT unnest(conkey) FROM pg_constraint WHERE contype = 'f' AND conrelid = " + oid);
    if (!references) return references.error();
    for (const auto& row : *references) facts.foreign_key_columns.insert(std::stoi(*row[0]));
    auto exclusions = query("SELECT conname FROM pg_constraint WHERE contype = 'x' AND conrelid = " + oid + " ORDER BY 1");
    if (!exclusions) return exclusions.error();
    for (const auto& row : *exclusions) facts.exclusion_constraints.push_back(*row[0]);
    return facts;
  }

  // One column per unique key, none a foreign key's, as few as will do (the primary key's first).
  Result<std::vector<int>> columns_to_move(const TableScale& target, const TableFacts& facts) {
    std::vector<int> moved;
    for (const UniqueKey& key : facts.unique_keys) {
      const auto is_moved = [&](int number) { return std::find(moved.begin(), moved.end(), number) != moved.end(); };
      if (std::any_of(key.columns.begin(), key.columns.end(), is_moved)) continue;
      std::optional<int> chosen;
      const Column* unsupported = nullptr;
      for (int number : key.columns) {
        if (facts.foreign_key_columns.count(number) != 0) continue;
        const Column& c = column(facts, number);
        if (c.kind == KeyKind::kOther || c.generated) {
          if (unsupported == nullptr) unsupported = &c;
          continue;
        }
        chosen = number;
        break;
      }
      if (chosen) {
        moved.push_back(*chosen);
        continue;
      }
      if (unsupported != nullptr) {
        return bad(target, "the unique key " + key.name + " has the column " + unsupported->name + " of type " +
                               unsupported->type + (unsupported->generated ? " (generated)" : "") +
                               ", which copies cannot be given new values in (integers, numerics, text, uuid, "
                               "dates and timestamps can)");
      }
      return bad(target, "every column of the unique key " + key.name +
                             " is a foreign key's: its copies would need new rows in the tables it references");
    }
    return moved;
  }

  // The original rows, once (the table grows while the copies are inserted).
  Status make_source(const TableFacts& facts, bool numbered) {
    std::string order;
    for (const UniqueKey& key : facts.unique_keys) {
      if (!key.primary) continue;
      for (int number : key.columns) order += connection_.quote_identifier(column(facts, number).name) + ", ";
    }
    order += "ctid";
    return execute("CREATE TEMPORARY TABLE " + std::string(kSourceTable) + " AS SELECT *" +
                   (numbered ? ", row_number() OVER (ORDER BY " + order + ") AS " + kOrdinalColumn : std::string()) +
                   " FROM " + facts.name);
  }

  // The SELECT list of the copies: moved columns computed from the copy number n.copy, the others
  // as they are. A numeric or time key's span is measured on the originals, and copies that would
  // fall off an integer type's range are refused before any row is written.
  Result<std::vector<std::string>> new_values(const TableScale& target, const TableFacts& facts,
                                              const std::vector<int>& moved, std::uint64_t last_copy) {
    std::vector<std::string> values;
    for (const Column& c : facts.columns) {
      if (c.generated) continue;
      const std::string name = connection_.quote_identifier(c.name);
      const std::string original = "s." + name;
      if (std::find(moved.begin(), moved.end(), c.number) == moved.end()) {
        values.push_back(original);
        continue;
      }
      const std::string from = " FROM " + std::string(kSourceTable);
      switch (c.kind) {
        case KeyKind::kText:
          values.push_back("(" + original + "::text || '#' || n.copy)");
          break;
        case KeyKind::kUuid:
          values.push_back("md5(" + original + "::text || '#' || n.copy)::uuid");
          break;
        case KeyKind::kNumber: {
          auto span = scalar("SELECT coalesce(max(" + name + ")::numeric - min(" + name + ")::numeric + 1, 1)" + from);
          if (!span) return span.error();
          if (auto lowest = lowest_value(c.base_type)) {
            auto fits = scalar("SELECT coalesce(min(" + name + ")::numeric - " + std::to_string(last_copy) + " * " + *span +
                               " >= " + *lowest + ", true)" + from);
            if (!fits) return fits.error();
            if (*fits != "t") {
              return bad(target, "copies of " + facts.name + " would need values of " + c.name + " below " + c.type +
                                     "'s range (" + std::to_string(last_copy) + " copies of a range " + *span + " wide)");
            }
          }
          values.push_back("(" + original + " - n.copy * " + *span + "::numeric)");
          break;
        }
        case KeyKind::kDate: {
          auto span = scalar("SELECT coalesce(max(" + name + ") - min(" + name + ") + 1, 1)" + from);
          if (!span) return span.error();
          values.push_back("(" + original + " - (n.copy * " + *span + ")::integer)");
          break;
        }
        case KeyKind::kTimestamp: {
          // In seconds, not days: a day is not 24 hours across a DST change in a time zone.
          auto span = scalar("SELECT coalesce(extract(epoch FROM max(" + name + ") - min(" + name +
                             ")) + 0.000001, 1)" + from);
          if (!span) return span.error();
          values.push_back("(" + original + " - n.copy * " + *span + " * interval '1 second')");
          break;
        }
        case KeyKind::kOther:
          break;  // columns_to_move() never moves one
      }
    }
    return values;
  }

  Status insert_copies(const TableFacts& facts, const std::vector<std::string>& values, std::uint64_t first,
                       std::uint64_t last, std::optional<std::uint64_t> first_rows) {
    std::string columns;
    std::string select;
    bool overriding = false;
    std::size_t value = 0;
    for (const Column& c : facts.columns) {
      if (c.generated) continue;
      columns += (columns.empty() ? "" : ", ") + connection_.quote_identifier(c.name);
      select += (select.empty() ? "" : ", ") + values[value++];
      overriding = overriding || c.identity_always;
    }
    std::string sql = "INSERT INTO " + facts.name + " (" + columns + ")" +
                      (overriding ? " OVERRIDING SYSTEM VALUE" : "") + " SELECT " + select + " FROM " + kSourceTable +
                      " AS s CROSS JOIN generate_series(" + std::to_string(first) + "::bigint, " +
                      std::to_string(last) + "::bigint) AS n(copy)";
    if (first_rows) sql += " WHERE s." + std::string(kOrdinalColumn) + " <= " + std::to_string(*first_rows);
    DiscardingSink discard;
    auto done = connection_.run({sql, false, "", nullptr}, discard, {std::chrono::milliseconds(0), interrupted_});
    if (!done) return done.error();
    if (!done->succeeded) {
      const std::string why = "copy " + std::to_string(first) + " of its rows failed: " + done->message +
                              " (SQLSTATE " + done->sqlstate + ")";
      // A constraint or a type the copies break is the table's; anything else is the server's.
      const bool table_refuses = done->sqlstate.rfind("23", 0) == 0 || done->sqlstate.rfind("22", 0) == 0;
      return table_refuses ? Error::bad_input("--scale-table " + facts.name + ": " + why)
                           : Error::infrastructure("--scale-table " + facts.name + ": " + why);
    }
    return {};
  }

  SessionConnection& connection_;
  const ScaleProgress& progress_;
  const std::atomic<bool>* interrupted_;
};

}  // namespace

Result<std::vector<ScaledTable>> scale_tables(const std::string& conninfo, const std::vector<TableScale>& targets,
                                              const ScaleProgress& progress, const std::atomic<bool>* interrupted) {
  std::vector<ScaledTable> scaled;
  if (targets.empty()) return scaled;
  // Triggers off (copies are data, not events; replica mode needs a superuser), and no limit
  // on a batch that takes minutes.
  auto connection = SessionConnection::open(
      conninfo, {{"session_replication_role", "replica"}, {"statement_timeout", "0"}, {"synchronous_commit", "off"}},
      interrupted, "scale tables (--scale-table)");
  if (!connection) {
    const Error& error = connection.error();
    if (error.kind != ErrorKind::kBadInput) return error;
    return Error::bad_input("--scale-table needs a superuser connection (its copies are inserted with "
                            "session_replication_role = replica, so that no trigger fires): " + error.message);
  }
  Scaler scaler(**connection, progress, interrupted);
  for (const TableScale& target : targets) {
    auto table = scaler.scale(target);
    if (!table) return table.error();
    scaled.push_back(std::move(table).value());
  }
  return scaled;
}

}  // namespace pgshadow::pg
