#include "footprint.h"

#include <algorithm>

namespace pgshadow::replay::dispatch {
namespace {

// Some column both pin, to different values: no row has both.
bool found_apart(const PinnedRow& a, const PinnedRow& b) {
  for (const auto& [column, value] : a) {
    const auto other = b.find(column);
    if (other != b.end() && other->second != value) return true;
  }
  return false;
}

// Equal in every column of some unique key: the second waits on the first's unique check.
bool same_key(const PinnedRow& a, const PinnedRow& b, const UniqueKeys& keys) {
  for (const std::vector<std::string>& key : keys) {
    const bool equal = std::all_of(key.begin(), key.end(), [&](const std::string& column) {
      const auto left = a.find(column);
      const auto right = b.find(column);
      return left == a.end() || right == b.end() || left->second == right->second;
    });
    if (equal) return true;
  }
  return false;
}

// Inserts only, into a table without a unique key: they take no lock another write waits on.
bool waits_on_none(const TableLocks& locks) {
  return !locks.any_row && locks.found.empty() && locks.unique_keys && locks.unique_keys->empty();
}

bool tables_contend(const TableLocks& a, const TableLocks& b) {
  if (waits_on_none(a) || waits_on_none(b)) return false;
  if (a.any_row || b.any_row) return true;
  for (const PinnedRow& left : a.found) {
    for (const PinnedRow& right : b.found) {
      if (!found_apart(left, right)) return true;
    }
  }
  const bool keyed = !a.unique_keys || !a.unique_keys->empty() || !b.unique_keys || !b.unique_keys->empty();
  if (keyed && ((!a.found.empty() && !b.inserted.empty()) || (!a.inserted.empty() && !b.found.empty()))) return true;
  if (a.inserted.empty() || b.inserted.empty()) return false;
  const std::shared_ptr<const UniqueKeys>& keys = a.unique_keys ? a.unique_keys : b.unique_keys;
  if (!keys) return true;
  for (const PinnedRow& left : a.inserted) {
    for (const PinnedRow& right : b.inserted) {
      if (same_key(left, right, *keys)) return true;
    }
  }
  return false;
}

// Pinned by equal values in every column both pin, and both pin one.
bool same_found_row(const PinnedRow& a, const PinnedRow& b) {
  bool shared = false;
  for (const auto& [column, value] : a) {
    const auto other = b.find(column);
    if (other == b.end()) continue;
    if (other->second != value) return false;
    shared = true;
  }
  return shared;
}

// Equal in every column of some unique key, all of them pinned on both.
bool same_key_pinned(const PinnedRow& a, const PinnedRow& b, const UniqueKeys& keys) {
  for (const std::vector<std::string>& key : keys) {
    const bool equal = !key.empty() && std::all_of(key.begin(), key.end(), [&](const std::string& column) {
      const auto left = a.find(column);
      const auto right = b.find(column);
      return left != a.end() && right != b.end() && left->second == right->second;
    });
    if (equal) return true;
  }
  return false;
}

bool table_will_wait(const TableLocks& wanted, const TableLocks& held) {
  if (wanted.sequence || held.sequence || wanted.any_row || held.any_row) return false;
  for (const PinnedRow& row : wanted.found) {
    for (const PinnedRow& locked : held.found) {
      if (same_found_row(row, locked)) return true;
    }
  }
  if (!wanted.unique_keys) return false;
  for (const PinnedRow& row : wanted.inserted) {
    for (const PinnedRow& locked : held.found) {
      if (same_key_pinned(row, locked, *wanted.unique_keys)) return true;
    }
    for (const PinnedRow& locked : held.inserted) {
      if (same_key_pinned(row, locked, *wanted.unique_keys)) return true;
    }
  }
  return false;
}

bool table_seen(const TableLocks& read, const TableLocks& written) {
  if (read.any_row || written.any_row || !written.inserted.empty()) return true;
  for (const PinnedRow& row : read.found) {
    for (const auto& [column, value] : row) {
      if (written.assigned.count(column) != 0) return true;  // a row may move into its pins
    }
    for (const PinnedRow& changed : written.found) {
      if (!found_apart(row, changed)) return true;
    }
  }
  return false;
}

}  // namespace

bool may_see(const Footprint* reads, const Footprint* published) {
  if (reads == nullptr || published == nullptr) return true;
  for (const auto& [name, read] : reads->tables) {
    const auto written = published->tables.find(name);
    if (written != published->tables.end() && table_seen(read, written->second)) return true;
  }
  return false;
}

bool will_wait(const Footprint& wanted, const Footprint& held) {
  for (const auto& [name, locks] : wanted.tables) {
    const auto other = held.tables.find(name);
    if (other != held.tables.end() && table_will_wait(locks, other->second)) return true;
  }
  return false;
}

bool same_either_side_of_commit(const Footprint& waiter, const std::set<std::string>& where_columns,
                                const Footprint& committed) {
  const std::string* table = nullptr;
  for (const auto& [name, locks] : waiter.tables) {
    if (locks.sequence) continue;
    if (table != nullptr) return false;
    table = &name;
  }
  if (table == nullptr) return false;
  const auto written = committed.tables.find(*table);
  if (written == committed.tables.end()) return true;
  const TableLocks& locks = written->second;
  if (locks.sequence || locks.any_row || !locks.inserted.empty()) return false;
  return std::none_of(where_columns.begin(), where_columns.end(),
                      [&](const std::string& column) { return locks.assigned.count(column) != 0; });
}

Footprint Footprint::of_tables(std::initializer_list<std::string> names) {
  Footprint footprint;
  for (const std::string& name : names) footprint.tables[name];
  return footprint;
}

std::set<std::string> Footprint::table_names() const {
  std::set<std::string> names;
  for (const auto& [name, locks] : tables) names.insert(name);
  return names;
}

void Footprint::add(const Footprint& other) {
  for (const auto& [name, locks] : other.tables) {
    const auto [entry, inserted] = tables.emplace(name, locks);
    if (inserted) continue;
    TableLocks& gathered = entry->second;
    if (!gathered.unique_keys) gathered.unique_keys = locks.unique_keys;
    gathered.sequence = gathered.sequence || locks.sequence;
    gathered.assigned.insert(locks.assigned.begin(), locks.assigned.end());
    gathered.any_row = gathered.any_row || locks.any_row ||
                       gathered.found.size() + locks.found.size() + gathered.inserted.size() + locks.inserted.size() >
                           kMaxPinnedRowsPerTable;
    if (gathered.any_row) {
      gathered.found.clear();
      gathered.inserted.clear();
      continue;
    }
    gathered.found.insert(gathered.found.end(), locks.found.begin(), locks.found.end());
    gathered.inserted.insert(gathered.inserted.end(), locks.inserted.begin(), locks.inserted.end());
  }
}

bool may_contend(const Footprint* a, const Footprint* b) {
  if (a == nullptr || b == nullptr) return true;
  const Footprint& smaller = a->tables.size() <= b->tables.size() ? *a : *b;
  const Footprint& larger = a->tables.size() <= b->tables.size() ? *b : *a;
  for (const auto& [name, locks] : smaller.tables) {
    const auto other = larger.tables.find(name);
    if (other != larger.tables.end() && tables_contend(locks, other->second)) return true;
  }
  return false;
}

}  // namespace pgshadow::replay::dispatch
