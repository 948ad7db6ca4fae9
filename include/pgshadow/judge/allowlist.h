#pragma once
// The allowlist file (`--allowlist FILE`): known and accepted differences, each with a reason
// and an expiry date, so an exception cannot outlive its review. Format (YAML):
//
//   strict_columns: true                     # optional: columns_added is breaking (--strict-columns)
//   allow:
//     - fingerprint: 0123456789abcdef        # or normalized: "SELECT name FROM users WHERE id = $1"
//       class: error_shadow_only
//       reason: "the old report job is retired before the cutover (JIRA-123)"
//       expires: 2026-12-31
//
// Plain values, not thread-safe.
#include <string>
#include <vector>

#include "pgshadow/core/divergence_class.h"
#include "pgshadow/util/result.h"

namespace pgshadow::judge {

struct AllowlistEntry {
  std::string fingerprint;  // either this ...
  std::string normalized;   // ... or this (the normalized query text, compared exactly)
  DivergenceClass divergence = DivergenceClass::kMatch;
  std::string reason;
  std::string expires;  // YYYY-MM-DD; the entry holds through that day
  std::string where;    // "allow.yaml:7"

  bool matches(const std::string& shape_fingerprint, const std::string& shape_normalized) const;
};

struct Allowlist {
  std::vector<AllowlistEntry> entries;
  // The application scans result columns strictly (Go's sqlx and the like): an added column
  // breaks it, so columns_added weighs as breaking (core::SeverityPolicy).
  bool strict_columns = false;
};

// Parses allowlist text; `name` is the file name used in errors and in `where`, `today` is
// YYYY-MM-DD. A malformed file is an Error naming the file and line; an expired entry is an
// Error naming the file, the line and the entry.
Result<Allowlist> parse_allowlist(const std::string& text, const std::string& name, const std::string& today);

// Reads and parses a file (the CLI passes today's UTC date).
Result<Allowlist> load_allowlist(const std::string& path, const std::string& today);

// Today's date in UTC as YYYY-MM-DD (the one place that reads the clock).
std::string utc_today();

}  // namespace pgshadow::judge
