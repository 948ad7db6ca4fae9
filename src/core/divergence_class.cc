#include "pgshadow/core/divergence_class.h"

namespace pgshadow {

std::string_view to_string(DivergenceClass c) {
  switch (c) {
    case DivergenceClass::kMatch: return "match";
    case DivergenceClass::kErrorShadowOnly: return "error_shadow_only";
    case DivergenceClass::kErrorBaselineOnly: return "error_baseline_only";
    case DivergenceClass::kErrorChanged: return "error_changed";
    case DivergenceClass::kColumnsChanged: return "columns_changed";
    case DivergenceClass::kColumnsAdded: return "columns_added";
    case DivergenceClass::kTypesChanged: return "types_changed";
    case DivergenceClass::kRowsChanged: return "rows_changed";
    case DivergenceClass::kOrderChanged: return "order_changed";
    case DivergenceClass::kCommandChanged: return "command_changed";
    case DivergenceClass::kNondeterministic: return "nondeterministic";
    case DivergenceClass::kConsequence: return "consequence";
    case DivergenceClass::kMigrationFailed: return "migration_failed";
    case DivergenceClass::kTimedOut: return "timed_out";
    case DivergenceClass::kMessagesChanged: return "messages_changed";
  }
  return "unknown";
}

std::optional<DivergenceClass> divergence_class_from_string(std::string_view name) {
  for (DivergenceClass c : kAllDivergenceClasses) {
    if (to_string(c) == name) return c;
  }
  return std::nullopt;
}

Severity severity_of(DivergenceClass c, const SeverityPolicy& policy) {
  switch (c) {
    case DivergenceClass::kColumnsAdded:
      return policy.strict_columns ? Severity::kBreaking : Severity::kReview;
    case DivergenceClass::kErrorShadowOnly:
    case DivergenceClass::kColumnsChanged:
    case DivergenceClass::kRowsChanged:
    case DivergenceClass::kCommandChanged:
    case DivergenceClass::kMigrationFailed:
      return Severity::kBreaking;
    case DivergenceClass::kErrorBaselineOnly:
    case DivergenceClass::kErrorChanged:
    case DivergenceClass::kTypesChanged:
    case DivergenceClass::kOrderChanged:
    case DivergenceClass::kTimedOut:
    case DivergenceClass::kMessagesChanged:
      return Severity::kReview;
    case DivergenceClass::kMatch:
    case DivergenceClass::kNondeterministic:
    case DivergenceClass::kConsequence:
      return Severity::kNone;
  }
  return Severity::kNone;
}

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::kNone: return "none";
    case Severity::kReview: return "review";
    case Severity::kBreaking: return "breaking";
  }
  return "none";
}

}  // namespace pgshadow
