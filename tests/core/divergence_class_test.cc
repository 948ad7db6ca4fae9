#include <catch2/catch.hpp>

#include "pgshadow/core/divergence_class.h"
#include "pgshadow/core/sqlstate.h"
#include "pgshadow/core/verdict.h"

namespace pgshadow {

TEST_CASE("class names round-trip and are the contract's names", "[core]") {
  for (DivergenceClass c : kAllDivergenceClasses) {
    CHECK(divergence_class_from_string(to_string(c)) == c);
  }
  CHECK(to_string(DivergenceClass::kErrorShadowOnly) == "error_shadow_only");
  CHECK(to_string(DivergenceClass::kMigrationFailed) == "migration_failed");
  CHECK(to_string(DivergenceClass::kTimedOut) == "timed_out");
  CHECK(severity_of(DivergenceClass::kTimedOut) == Severity::kReview);
  CHECK(to_string(DivergenceClass::kMessagesChanged) == "messages_changed");
  CHECK(severity_of(DivergenceClass::kMessagesChanged) == Severity::kReview);
  CHECK_FALSE(divergence_class_from_string("no_such_class").has_value());
}

TEST_CASE("severities follow the design's table", "[core]") {
  CHECK(severity_of(DivergenceClass::kErrorShadowOnly) == Severity::kBreaking);
  CHECK(severity_of(DivergenceClass::kColumnsChanged) == Severity::kBreaking);
  CHECK(severity_of(DivergenceClass::kRowsChanged) == Severity::kBreaking);
  CHECK(severity_of(DivergenceClass::kCommandChanged) == Severity::kBreaking);
  CHECK(severity_of(DivergenceClass::kMigrationFailed) == Severity::kBreaking);
  CHECK(severity_of(DivergenceClass::kTypesChanged) == Severity::kReview);
  CHECK(severity_of(DivergenceClass::kOrderChanged) == Severity::kReview);
  CHECK(severity_of(DivergenceClass::kErrorBaselineOnly) == Severity::kReview);
  CHECK(severity_of(DivergenceClass::kErrorChanged) == Severity::kReview);
  CHECK(severity_of(DivergenceClass::kMatch) == Severity::kNone);
  CHECK(severity_of(DivergenceClass::kNondeterministic) == Severity::kNone);
  CHECK(severity_of(DivergenceClass::kConsequence) == Severity::kNone);
  CHECK(severity_of(DivergenceClass::kColumnsAdded) == Severity::kReview);
}

TEST_CASE("strict columns make an added result column breaking, and nothing else heavier", "[core]") {
  const SeverityPolicy strict{true};
  CHECK(to_string(DivergenceClass::kColumnsAdded) == "columns_added");
  CHECK(severity_of(DivergenceClass::kColumnsAdded, strict) == Severity::kBreaking);
  for (DivergenceClass c : kAllDivergenceClasses) {
    if (c == DivergenceClass::kColumnsAdded) continue;
    CHECK(severity_of(c, strict) == severity_of(c));
  }
}

TEST_CASE("exit codes: review passes unless asked to fail on it", "[core]") {
  CHECK(exit_code_for(Verdict::kSafe) == ExitCode::kSafe);
  CHECK(exit_code_for(Verdict::kReview) == ExitCode::kSafe);
  CHECK(exit_code_for(Verdict::kBreaking) == ExitCode::kBreaking);
  CHECK(exit_code_for(Verdict::kReview, Verdict::kReview) == ExitCode::kBreaking);
  CHECK(exit_code_for(Verdict::kSafe, Verdict::kReview) == ExitCode::kSafe);
  CHECK(static_cast<int>(ExitCode::kBadInput) == 2);
  CHECK(static_cast<int>(ExitCode::kInfrastructure) == 3);
}

TEST_CASE("SQLSTATE names and which messages are free of data", "[core]") {
  CHECK(sqlstate_name("42703") == "undefined_column");
  CHECK(sqlstate_name("99999").empty());
  CHECK(sqlstate_message_is_data_free("42703"));
  CHECK(sqlstate_message_is_data_free("23505"));
  CHECK_FALSE(sqlstate_message_is_data_free("22P02"));
  CHECK_FALSE(sqlstate_message_is_data_free("42601"));
  CHECK_FALSE(sqlstate_message_is_data_free(""));
}

}  // namespace pgshadow
