#include <catch2/catch.hpp>

#include "pgshadow/judge/allowlist.h"

namespace pgshadow::judge {

TEST_CASE("an allowlist file gives entries that know where they were written", "[allowlist]") {
  const std::string text =
      "# accepted differences\n"
      "allow:\n"
      "  - fingerprint: 0123456789abcdef\n"
      "    class: error_shadow_only\n"
      "    reason: \"retired job (JIRA-7)\"\n"
      "    expires: 2026-12-31\n"
      "  - normalized: \"SELECT * FROM users WHERE id = $1\"\n"
      "    class: columns_changed\n"
      "    reason: the ORM maps columns by name\n"
      "    expires: 2026-11-23\n";
  auto entries = parse_allowlist(text, "allow.yaml", "2026-11-23");
  REQUIRE(entries.ok());
  REQUIRE(entries->entries.size() == 2);
  CHECK(entries->entries[0].fingerprint == "0123456789abcdef");
  CHECK(entries->entries[0].divergence == DivergenceClass::kErrorShadowOnly);
  CHECK(entries->entries[0].where == "allow.yaml:3");
  CHECK(entries->entries[1].matches("ffff", "SELECT * FROM users WHERE id = $1"));
  CHECK_FALSE(entries->entries[1].matches("ffff", "SELECT * FROM users"));
  CHECK(entries->entries[1].where == "allow.yaml:7");  // expires today: still valid
}

TEST_CASE("an expired allowlist entry is an error naming the file, line and entry", "[allowlist]") {
  const std::string text =
      "allow:\n"
      "  - fingerprint: 0123456789abcdef\n"
      "    class: rows_changed\n"
      "    reason: backfill running\n"
      "    expires: 2026-11-22\n";
  auto entries = parse_allowlist(text, "ci/allow.yaml", "2026-11-23");
  REQUIRE_FALSE(entries.ok());
  CHECK(entries.error().message ==
        "ci/allow.yaml:2: allowlist entry for 0123456789abcdef (rows_changed) expired on 2026-11-22: review it "
        "again, then renew or remove it");
}

TEST_CASE("a malformed allowlist is an error naming the file and line", "[allowlist]") {
  CHECK(parse_allowlist("allow:\n  - fingerprint: [unclosed\n", "a.yaml", "2026-01-01").error().message.rfind(
            "a.yaml:", 0) == 0);
  CHECK(parse_allowlist("allow: 3\n", "a.yaml", "2026-01-01").error().message ==
        "a.yaml:1: expected a mapping with a list 'allow:' of entries");
  CHECK(parse_allowlist("allow:\n  - class: rows_changed\n    reason: x\n    expires: 2099-01-01\n", "a.yaml",
                        "2026-01-01")
            .error()
            .message == "a.yaml:2: an allowlist entry needs exactly one of 'fingerprint' or 'normalized'");
  CHECK(parse_allowlist("allow:\n  - fingerprint: ab\n    class: rows_change\n    reason: x\n    expires: 2099-01-01\n",
                        "a.yaml", "2026-01-01")
            .error()
            .message ==
        "a.yaml:2: 'class' must name a divergence class such as error_shadow_only, not 'rows_change'");
  CHECK(parse_allowlist("allow:\n  - fingerprint: ab\n    class: rows_changed\n    expires: 2099-01-01\n", "a.yaml",
                        "2026-01-01")
            .error()
            .message == "a.yaml:2: an allowlist entry needs a 'reason'");
  CHECK(parse_allowlist("allow:\n  - fingerprint: ab\n    class: rows_changed\n    reason: x\n    expires: soon\n",
                        "a.yaml", "2026-01-01")
            .error()
            .message == "a.yaml:2: 'expires' must be a date YYYY-MM-DD, not 'soon'");
  CHECK(parse_allowlist("allow:\n  - fingerprint: ab\n    klass: rows_changed\n", "a.yaml", "2026-01-01")
            .error()
            .message == "a.yaml:3: unknown field 'klass' (fingerprint, normalized, class, reason, expires)");
  CHECK(load_allowlist("/nonexistent/allow.yaml", "2026-01-01").error().message ==
        "--allowlist: cannot read /nonexistent/allow.yaml");
}

TEST_CASE("an allowlist may say the application scans columns strictly", "[allowlist]") {
  auto strict = parse_allowlist("strict_columns: true\n", "a.yaml", "2026-01-01");
  REQUIRE(strict.ok());
  CHECK(strict->strict_columns);
  CHECK(strict->entries.empty());
  auto both = parse_allowlist(
      "strict_columns: false\nallow:\n  - fingerprint: ab\n    class: rows_changed\n    reason: x\n"
      "    expires: 2099-01-01\n",
      "a.yaml", "2026-01-01");
  REQUIRE(both.ok());
  CHECK_FALSE(both->strict_columns);
  CHECK(both->entries.size() == 1);
  CHECK(parse_allowlist("strict_columns: yes please\n", "a.yaml", "2026-01-01").error().message ==
        "a.yaml:1: 'strict_columns' must be true or false, not 'yes please'");
  CHECK(parse_allowlist("strict: true\nallow: []\n", "a.yaml", "2026-01-01").error().message ==
        "a.yaml:1: unknown setting 'strict' (allow, strict_columns)");
}

TEST_CASE("an empty allowlist allows nothing and today's date has the ISO form", "[allowlist]") {
  auto entries = parse_allowlist("", "a.yaml", "2026-01-01");
  REQUIRE(entries.ok());
  CHECK(entries->entries.empty());
  CHECK_FALSE(entries->strict_columns);
  const std::string today = utc_today();
  CHECK(today.size() == 10);
  CHECK(today[4] == '-');
  CHECK(today[7] == '-');
}

}  // namespace pgshadow::judge
