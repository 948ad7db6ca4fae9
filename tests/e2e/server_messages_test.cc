// The servers' NOTICE and WARNING messages, end to end: the real binary (with its embedded
// PostgreSQL) on a migration that adds a trigger raising a WARNING that quotes the inserted
// row. The replayed statements' messages are counted per shape and side, a difference in them
// is messages_changed (review), and their texts reach no output; the migration's own messages
// are shown with file and line, as psql would print them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run_support.h"

namespace pgshadow::e2e {
namespace {

using nlohmann::json;

// A value only the captured traffic holds: the trigger's WARNING quotes it.
const std::string kCapturedName = "Zebedee-7731";

void write_warning_scenario(const TempDir& dir) {
  dir.write("baseline.sql", "CREATE TABLE people (id int PRIMARY KEY, name text);\n"
                            "INSERT INTO people VALUES (1, 'Ada');\n");
  dir.write("migrations/001.sql",
            "CREATE FUNCTION warn_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN RAISE WARNING 'inserted %', NEW.name; RETURN NEW; END $$;\n"
            "DROP TABLE IF EXISTS legacy_people;\n"
            "CREATE TRIGGER people_warn BEFORE INSERT ON people FOR EACH ROW EXECUTE FUNCTION warn_on_insert();\n"
            "DO $$ BEGIN RAISE NOTICE 'trigger installed on % rows', (SELECT count(*) FROM people); END $$;\n");
  dir.write("traffic/capture.jsonl",
            kCaptureHeader + "\n" + capture_event(1, "INSERT INTO people VALUES (2, '" + kCapturedName + "')") +
                "\n" + capture_event(2, "DROP TABLE IF EXISTS scratch_people") + "\n" +
                capture_event(3, "SELECT count(*) FROM people") + "\n");
}

const json& shape_of(const json& report, const std::string& normalized) {
  for (const auto& shape : report["shapes"]) {
    if (shape["normalized"] == normalized) return shape;
  }
  FAIL("no shape " << normalized);
  static const json none;
  return none;
}

}  // namespace

TEST_CASE("a trigger's new WARNING is messages_changed, counted per side, its text nowhere", "[cli][server]") {
  TempDir dir;
  write_warning_scenario(dir);
  const RunOutput run = run_pgshadow({"verify", dir.path(), "--report-dir", dir.file("reports"), "--no-color"});
  INFO(run.out << run.err);
  CHECK(run.exit_status == 0);  // review passes unless asked to fail on it
  CHECK(valid_against_report_schema(dir.file("reports/report.json")));
  const std::string json_text = read_file(dir.file("reports/report.json"));
  const json report = json::parse(json_text);
  CHECK(report["verdict"] == "review");
  CHECK(report["classes"]["messages_changed"] == 1);

  const json& insert = shape_of(report, "INSERT INTO people VALUES ($1, $2)");
  CHECK(insert["classes"] == json{{"messages_changed", 1}});
  CHECK(insert["severity"] == "review");
  CHECK(insert["messages"] == json::parse(R"({"baseline": {"notices": 0, "warnings": 0},
                                               "shadow": {"notices": 0, "warnings": 1}})"));
  CHECK(insert["first_divergence"]["explanation"] ==
        "same result; the server raised no messages on the baseline, 1 WARNING message on the shadow "
        "(texts withheld: they can quote data)");
  // The same NOTICE on both sides is a match, still counted.
  const json& drop = shape_of(report, "DROP TABLE IF EXISTS scratch_people");
  CHECK(drop["classes"] == json{{"match", 1}});
  CHECK(drop["messages"] == json::parse(R"({"baseline": {"notices": 1, "warnings": 0},
                                             "shadow": {"notices": 1, "warnings": 0}})"));
  CHECK_FALSE(shape_of(report, "SELECT count(*) FROM people").contains("messages"));

  // The migration's messages: the server's own text shown, its RAISE withheld.
  const json& messages = report["migration"]["messages"];
  REQUIRE(messages.size() == 2);
  CHECK(messages[0] == json{{"location", dir.file("migrations/001.sql") + ":3"},
                            {"severity", "NOTICE"},
                            {"sqlstate", "00000"},
                            {"text", "table \"legacy_people\" does not exist, skipping"}});
  CHECK(messages[1]["location"] == dir.file("migrations/001.sql") + ":5");
  CHECK(messages[1]["text"].is_null());
  CHECK(run.out.find("The migration's messages (2):") != std::string::npos);
  CHECK(run.out.find("001.sql:3  NOTICE:  table \"legacy_people\" does not exist, skipping") != std::string::npos);
  CHECK(run.out.find("(text withheld: raised by the migration's own code; --include-literals shows it)") !=
        std::string::npos);

  // The Markdown and HTML reports list them too, where a reviewer reads the verdict.
  const std::string markdown = read_file(dir.file("reports/report.md"));
  CHECK(markdown.find("### The migration's messages (2)\n") != std::string::npos);
  CHECK(markdown.find("001.sql:3 | NOTICE | table \"legacy_people\" does not exist, skipping |") != std::string::npos);
  const std::string html = read_file(dir.file("reports/report.html"));
  CHECK(html.find("<table id=\"migration-messages\">") != std::string::npos);
  CHECK(html.find("table &quot;legacy_people&quot; does not exist, skipping") != std::string::npos);
  CHECK(html.find("text withheld: raised by the migration's own code") != std::string::npos);

  // What the trigger raised quotes the captured row: in no output.
  for (const std::string& output : {run.out, run.err, json_text, read_file(dir.file("reports/report.md")),
                                    read_file(dir.file("reports/report.html"))}) {
    CHECK(output.find(kCapturedName) == std::string::npos);
    CHECK(output.find("inserted ") == std::string::npos);
  }
}

}  // namespace pgshadow::e2e
