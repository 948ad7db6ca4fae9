#pragma once
// The classes a compared statement falls into. Their names are the contract used in every
// output (reports, metrics, expect.yaml); never rename one.
#include <optional>
#include <string_view>

namespace pgshadow {

enum class DivergenceClass {
  kMatch,
  kErrorShadowOnly,
  kErrorBaselineOnly,
  kErrorChanged,
  kColumnsChanged,
  kColumnsAdded,
  kTypesChanged,
  kRowsChanged,
  kOrderChanged,
  kCommandChanged,
  kNondeterministic,
  kConsequence,
  kMigrationFailed,
  // Both sides ended the statement at statement_timeout or lock_timeout (57014, 55P03): its
  // result was never compared, so it is no match; review, and a --max budget can fail on it.
  kTimedOut,
  // The results agree, but the server raised a different number of NOTICE or WARNING messages
  // on each side (a trigger's RAISE, "relation already exists, skipping" where the migration
  // created what the traffic creates): review. Their texts are never kept (they can quote data).
  kMessagesChanged,
};

// How much a class weighs in the verdict.
enum class Severity { kNone, kReview, kBreaking };

inline constexpr DivergenceClass kAllDivergenceClasses[] = {
    DivergenceClass::kMatch,          DivergenceClass::kErrorShadowOnly,
    DivergenceClass::kErrorBaselineOnly, DivergenceClass::kErrorChanged,
    DivergenceClass::kColumnsChanged, DivergenceClass::kColumnsAdded,
    DivergenceClass::kTypesChanged,
    DivergenceClass::kRowsChanged,    DivergenceClass::kOrderChanged,
    DivergenceClass::kCommandChanged, DivergenceClass::kNondeterministic,
    DivergenceClass::kConsequence,    DivergenceClass::kMigrationFailed,
    DivergenceClass::kTimedOut,       DivergenceClass::kMessagesChanged,
};

std::string_view to_string(DivergenceClass c);  // "error_shadow_only", ...
std::optional<DivergenceClass> divergence_class_from_string(std::string_view name);
// What a run weighs differently. columns_added is review by default: clients that map result
// columns by name (ORMs, most drivers) ignore an added column, but strict scanners (Go's sqlx
// without its unsafe mode, some code generators) fail on it; strict_columns makes it breaking
// for applications that scan strictly (--strict-columns).
struct SeverityPolicy {
  bool strict_columns = false;
};

Severity severity_of(DivergenceClass c, const SeverityPolicy& policy = {});
std::string_view to_string(Severity s);  // "none", "review", "breaking"

}  // namespace pgshadow
