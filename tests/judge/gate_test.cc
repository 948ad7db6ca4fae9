#include <catch2/catch.hpp>

#include "pgshadow/judge/gate.h"

namespace pgshadow::judge {
namespace {

// A book with `breaking` error_shadow_only statements of shape A, `review` types_changed
// statements of shape B, and `matches` matching statements of shape C.
FindingsBook book_with(int breaking, int review, int matches) {
  FindingsBook book;
  compare::ResultSignature ok;
  ok.command_verb = "SELECT";
  ok.row_count = 1;
  compare::ResultSignature error;
  error.succeeded = false;
  error.sqlstate = "42703";
  Event event;
  event.sql = "SELECT 1";
  const sql::QueryShape a{"aaaaaaaaaaaaaaaa", "SELECT name FROM users WHERE id = $1"};
  const sql::QueryShape b{"bbbbbbbbbbbbbbbb", "SELECT total FROM orders WHERE id = $1"};
  const sql::QueryShape c{"cccccccccccccccc", "SELECT id FROM users"};
  for (int i = 0; i < breaking; ++i) book.on_compared({event, a, DivergenceClass::kErrorShadowOnly, ok, error, std::nullopt, ""});
  for (int i = 0; i < review; ++i) book.on_compared({event, b, DivergenceClass::kTypesChanged, ok, ok, std::nullopt, ""});
  for (int i = 0; i < matches; ++i) book.on_compared({event, c, DivergenceClass::kMatch, ok, ok, std::nullopt, ""});
  return book;
}

AllowlistEntry allow(std::string fingerprint, DivergenceClass c) {
  AllowlistEntry entry;
  entry.fingerprint = std::move(fingerprint);
  entry.divergence = c;
  entry.reason = "the report job is retired (JIRA-7)";
  entry.expires = "2099-01-01";
  entry.where = "allow.yaml:2";
  return entry;
}

ClassBudget budget(const std::string& text) {
  auto parsed = parse_class_budget(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

}  // namespace

TEST_CASE("without a policy the gate follows the judge's verdict and --fail-on", "[gate]") {
  const FindingsBook book = book_with(1, 1, 5);
  GateDecision decision = decide(book, {});
  CHECK(decision.verdict == Verdict::kBreaking);
  CHECK(decision.exit_code == ExitCode::kBreaking);
  CHECK(decision.reasons.front() == "verdict breaking with --fail-on breaking: the gate fails");

  const FindingsBook review_only = book_with(0, 1, 5);
  CHECK(decide(review_only, {}).exit_code == ExitCode::kSafe);
  GatePolicy strict;
  strict.fail_on = Verdict::kReview;
  CHECK(decide(review_only, strict).exit_code == ExitCode::kBreaking);
  CHECK(decide(book_with(0, 0, 3), strict).verdict == Verdict::kSafe);
}

TEST_CASE("an allowlisted finding no longer weighs in the verdict but is still listed with its reason", "[gate]") {
  const FindingsBook book = book_with(3, 0, 5);
  GatePolicy policy;
  policy.allowlist.push_back(allow("aaaaaaaaaaaaaaaa", DivergenceClass::kErrorShadowOnly));
  const GateDecision decision = decide(book, policy);
  CHECK(decision.verdict == Verdict::kSafe);
  CHECK(decision.exit_code == ExitCode::kSafe);
  REQUIRE(decision.allowed.size() == 1);
  CHECK(decision.allowed[0].statements == 3);
  CHECK(decision.allowed[0].reason == "the report job is retired (JIRA-7)");
  CHECK(decision.allowed[0].entry == "allow.yaml:2");
  CHECK(decision.reasons.back() ==
        "1 finding (3 statements) allowed by the allowlist, still listed with their reasons");
}

TEST_CASE("an allowlist entry allows only its own class and shape", "[gate]") {
  const FindingsBook book = book_with(1, 1, 0);
  GatePolicy policy;
  policy.allowlist.push_back(allow("aaaaaaaaaaaaaaaa", DivergenceClass::kRowsChanged));   // other class
  policy.allowlist.push_back(allow("cccccccccccccccc", DivergenceClass::kErrorShadowOnly));  // other shape
  CHECK(decide(book, policy).verdict == Verdict::kBreaking);
  CHECK(decide(book, policy).allowed.empty());

  AllowlistEntry by_text;
  by_text.normalized = "SELECT name FROM users WHERE id = $1";
  by_text.divergence = DivergenceClass::kErrorShadowOnly;
  by_text.reason = "accepted";
  GatePolicy text_policy;
  text_policy.allowlist.push_back(by_text);
  CHECK(decide(book, text_policy).verdict == Verdict::kReview);  // the types_changed shape remains
}

TEST_CASE("a budget tolerates a class up to its limit and fails the run beyond it", "[gate]") {
  const FindingsBook book = book_with(2, 0, 998);  // 2 of 1000 compared: 0.2%
  GatePolicy within;
  within.budgets.push_back(budget("error_shadow_only=0.5%"));
  GateDecision decision = decide(book, within);
  CHECK(decision.verdict == Verdict::kSafe);
  REQUIRE(decision.budgets.size() == 1);
  CHECK(decision.budgets[0].statements == 2);
  CHECK(decision.budgets[0].share == Approx(0.002));
  CHECK_FALSE(decision.budgets[0].exceeded);

  GatePolicy over;
  over.budgets.push_back(budget("error_shadow_only=0.1%"));
  decision = decide(book, over);
  CHECK(decision.verdict == Verdict::kBreaking);
  CHECK(decision.budgets[0].exceeded);
  CHECK(decision.reasons[1] ==
        "over budget: 2 error_shadow_only (0.2% of 1000 compared) exceeds --max error_shadow_only=0.1%");

  GatePolicy count;
  count.budgets.push_back(budget("error_shadow_only=2"));
  CHECK(decide(book, count).verdict == Verdict::kSafe);
  GatePolicy zero;
  zero.budgets.push_back(budget("error_shadow_only=0"));
  CHECK(decide(book, zero).verdict == Verdict::kBreaking);
}

TEST_CASE("a budget on a review class turns an excess into breaking", "[gate]") {
  const FindingsBook book = book_with(0, 5, 5);
  GatePolicy policy;
  policy.budgets.push_back(budget("types_changed=4"));
  CHECK(decide(book, policy).verdict == Verdict::kBreaking);
  policy.budgets[0] = budget("types_changed=5");
  CHECK(decide(book, policy).verdict == Verdict::kSafe);
}

TEST_CASE("budgets are parsed strictly, naming the flag value at fault", "[gate]") {
  CHECK(budget("rows_changed=0.1%").limit == Approx(0.001));
  CHECK(budget("rows_changed=0.1%").is_share);
  CHECK(budget("error_shadow_only=3").limit == 3);
  CHECK_FALSE(budget("error_shadow_only=3").is_share);
  CHECK(parse_class_budget("rows_changed").error().message ==
        "--max 'rows_changed': expected CLASS=COUNT or CLASS=PERCENT% (e.g. rows_changed=0.1% or error_shadow_only=0)");
  CHECK(parse_class_budget("row_changed=1").error().message ==
        "--max 'row_changed=1': 'row_changed' is not a divergence class a budget can apply to (e.g. "
        "rows_changed=0.1% or error_shadow_only=0)");
  CHECK_FALSE(parse_class_budget("rows_changed=abc").ok());
  CHECK_FALSE(parse_class_budget("rows_changed=-1").ok());
  CHECK_FALSE(parse_class_budget("rows_changed=1.5").ok());
  CHECK_FALSE(parse_class_budget("rows_changed=101%").ok());
  CHECK_FALSE(parse_class_budget("match=1").ok());
}
}  // namespace pgshadow::judge
