// The differing rows of a shape in the JSON report and in the renderings that read it: masked
// by default (NULL or a length), the values only when the run showed them.
#include <catch2/catch.hpp>

#include "pgshadow/report/renderers.h"
#include "pgshadow/report/run_report.h"

namespace pgshadow::report {
namespace {

compare::ResultSignature prices(std::vector<compare::SampleRow> rows, std::uint64_t seed) {
  compare::ResultSignature s;
  s.command_verb = "SELECT";
  s.columns = {{"id", 23}, {"price", 1700}, {"note", 25}};
  s.row_count = rows.size();
  s.multiset_digest = {seed, seed};
  s.ordered_digest = {seed, seed};
  s.sample_rows = std::move(rows);
  return s;
}

// A price rounded by numeric(10,2) -> numeric(10,0), a note become NULL, a row gone.
nlohmann::json report_json(bool show_values) {
  judge::JudgeSettings settings;
  settings.show_values = show_values;
  judge::FindingsBook findings(settings);
  const auto baseline = prices({{"1", "4711.83", "a|b"}, {"2", "8.00", ""}, {"3", "1.00", "p|q"}}, 1);
  const auto shadow = prices({{"1", "4712", "a|b"}, {"2", "8", std::nullopt}}, 2);
  Event event;
  event.sql = "SELECT id, price, note FROM t ORDER BY id";
  const sql::QueryShape shape{"0123456789abcdef", "SELECT id, price, note FROM t ORDER BY id"};
  findings.on_compared({event, shape, DivergenceClass::kRowsChanged, baseline, shadow, std::nullopt, "", 0, 0,
                        /*ordered=*/true});
  RunDescription run;
  run.started_at = "2026-11-23T10:00:00Z";
  return to_json(run, findings);
}

}  // namespace

TEST_CASE("the JSON report carries masked row differences: column, NULL or byte count, no value", "[report]") {
  const nlohmann::json json = report_json(false);
  const nlohmann::json& differences = json["shapes"][0]["first_divergence"]["row_differences"];
  CHECK(differences["values"] == "masked");
  CHECK(differences["beyond_sample"] == false);
  REQUIRE(differences["rows"].size() == 3);
  CHECK(differences["rows"][0] == nlohmann::json::parse(R"({"kind": "changed", "baseline_row": 1, "shadow_row": 1,
      "cells": [{"column": "price", "baseline": {"bytes": 7}, "shadow": {"bytes": 4}}]})"));
  CHECK(differences["rows"][1]["cells"][1] ==
        nlohmann::json::parse(R"({"column": "note", "baseline": {"bytes": 0}, "shadow": null})"));
  CHECK(differences["rows"][2]["kind"] == "baseline_only");
  CHECK(differences["rows"][2]["shadow_row"].is_null());
  CHECK_FALSE(differences["rows"][2]["cells"][0].contains("shadow"));
  CHECK(json["shapes"][0]["first_divergence"]["baseline"].count("sample_rows") == 0);
  CHECK(json["shapes"][0]["first_divergence"]["explanation"] ==
        "baseline returned 3 rows, shadow 2; values differ in columns price, note");
  CHECK(json.dump().find("4711.83") == std::string::npos);
}

TEST_CASE("with show_values the JSON report carries the values too", "[report]") {
  const nlohmann::json differences = report_json(true)["shapes"][0]["first_divergence"]["row_differences"];
  CHECK(differences["values"] == "shown");
  CHECK(differences["rows"][0]["cells"][0]["baseline"] ==
        nlohmann::json::parse(R"({"bytes": 7, "value": "4711.83"})"));
  CHECK(differences["rows"][1]["cells"][1]["baseline"]["value"] == "");
  CHECK(differences["rows"][1]["cells"][1]["shadow"].is_null());
}

TEST_CASE("the Markdown report has a table of differing rows per shape, masked values as byte counts", "[renderers]") {
  const std::string md = render_markdown(report_json(false));
  CHECK(md.find("### Differing rows\n\n**`SELECT id, price, note FROM t ORDER BY id`** (values masked: "
                "--show-values shows them (local use only))\n\n| row | column | baseline | shadow |\n") !=
        std::string::npos);
  CHECK(md.find("| #1 | price | ‹7 bytes› | ‹4 bytes› |\n") != std::string::npos);
  CHECK(md.find("| #2 | price | ‹4 bytes› | ‹1 byte› |\n|  | note | ‹0 bytes› | NULL |\n") != std::string::npos);
  CHECK(md.find("| #3 (baseline only) | id | ‹1 byte› | – |\n") != std::string::npos);
  CHECK(md.find("4711") == std::string::npos);
  CHECK(md.find("p|q") == std::string::npos);
}

TEST_CASE("shown values are quoted and escaped in Markdown and HTML, NULL stays NULL", "[renderers]") {
  const nlohmann::json json = report_json(true);
  const std::string md = render_markdown(json);
  CHECK(md.find("| #1 | price | '4711.83' | '4712' |\n") != std::string::npos);
  CHECK(md.find("|  | note | '' | NULL |\n") != std::string::npos);
  CHECK(md.find("| note | 'p\\|q' | – |") != std::string::npos);  // a pipe in a value does not split the cell
  CHECK(md.find("(values masked") == std::string::npos);
  const std::string html = render_html(json);
  CHECK(html.find("<tr><td>#1</td><td>price</td><td>&#39;4711.83&#39;</td><td>&#39;4712&#39;</td></tr>") !=
        std::string::npos);
  CHECK(html.find("<td>note</td><td>&#39;&#39;</td><td>NULL</td>") != std::string::npos);
}

TEST_CASE("the HTML report shows the masked table under the shape's first divergence", "[renderers]") {
  const std::string html = render_html(report_json(false));
  CHECK(html.find("<table class=\"rowdiff\"><caption>differing rows — values masked: --show-values shows them "
                  "(local use only)</caption>") != std::string::npos);
  CHECK(html.find("<tr><td>#1</td><td>price</td><td>‹7 bytes›</td><td>‹4 bytes›</td></tr>") != std::string::npos);
  CHECK(html.find("<td>#3 (baseline only)</td><td>id</td><td>‹1 byte›</td><td>–</td>") != std::string::npos);
  CHECK(html.find("4711") == std::string::npos);
}

}  // namespace pgshadow::report
