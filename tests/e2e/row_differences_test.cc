// The differing rows of a shape, end to end: the real binary (with its embedded PostgreSQL)
// on a migration that rounds prices. By default the reports name the column and keep only
// byte counts: the prices appear nowhere; with --show-values they do.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run_support.h"

namespace pgshadow::e2e {
namespace {

using nlohmann::json;

// Values with a decimal point: no timing or byte count in a report can contain them by chance.
const std::vector<std::string> kBaselinePrices = {"4711.83", "9052.17", "15.50"};

void write_price_scenario(const TempDir& dir) {
  dir.write("baseline.sql",
            "CREATE TABLE t (id int PRIMARY KEY, price numeric(10,2));\n"
            "INSERT INTO t VALUES (1, " + kBaselinePrices[0] + "), (2, " + kBaselinePrices[1] + "), (3, " +
                kBaselinePrices[2] + ");\n");
  dir.write("migrations/001.sql", "ALTER TABLE t ALTER COLUMN price TYPE numeric(10,0);\n");
  dir.write("traffic/capture.jsonl",
            kCaptureHeader + "\n" + capture_event(1, "SELECT id, price FROM t ORDER BY id") + "\n");
}

struct Reports {
  RunOutput run;
  json report;
  std::string json_text;
  std::string markdown;
  std::string html;
};

Reports verify(const TempDir& dir, const std::vector<std::string>& extra) {
  std::vector<std::string> arguments = {"verify", dir.path(), "--report-dir", dir.file("reports"), "--no-color"};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  Reports reports;
  reports.run = run_pgshadow(arguments);
  reports.json_text = read_file(dir.file("reports/report.json"));
  reports.markdown = read_file(dir.file("reports/report.md"));
  reports.html = read_file(dir.file("reports/report.html"));
  reports.report = json::parse(reports.json_text);
  CHECK(valid_against_report_schema(dir.file("reports/report.json")));
  return reports;
}

const json& price_shape(const json& report) {
  for (const auto& shape : report["shapes"]) {
    if (shape["normalized"] == "SELECT id, price FROM t ORDER BY id") return shape;
  }
  FAIL("no shape for the captured SELECT");
  static const json none;
  return none;
}

}  // namespace

TEST_CASE("rounded prices show as masked row differences naming the column, values nowhere", "[cli][server]") {
  TempDir dir;
  write_price_scenario(dir);
  const Reports reports = verify(dir, {});
  INFO(reports.run.out << reports.run.err);
  CHECK(reports.run.exit_status == 1);
  const json& first = price_shape(reports.report)["first_divergence"];
  CHECK(first["class"] == "rows_changed");
  CHECK(first["explanation"] == "same number of rows (3), different values in column price");
  const json& differences = first["row_differences"];
  CHECK(differences["values"] == "masked");
  CHECK(differences["beyond_sample"] == false);
  REQUIRE(differences["rows"].size() == 3);
  CHECK(differences["rows"][0] == json::parse(R"({"kind": "changed", "baseline_row": 1, "shadow_row": 1,
      "cells": [{"column": "price", "baseline": {"bytes": 7}, "shadow": {"bytes": 4}}]})"));
  for (const std::string& price : kBaselinePrices) {
    INFO("value " << price);
    CHECK(reports.json_text.find(price) == std::string::npos);
    CHECK(reports.markdown.find(price) == std::string::npos);
    CHECK(reports.html.find(price) == std::string::npos);
    CHECK(reports.run.out.find(price) == std::string::npos);
  }
  CHECK(reports.json_text.find("\"4712\"") == std::string::npos);  // the shadow's value neither
  CHECK(reports.markdown.find("| #1 | price | ‹7 bytes› | ‹4 bytes› |") != std::string::npos);
  CHECK(reports.html.find("<td>price</td><td>‹7 bytes›</td><td>‹4 bytes›</td>") != std::string::npos);

  // `pgshadow report` renders the saved JSON to the same tables.
  const RunOutput again = run_pgshadow({"report", dir.file("reports/report.json"), "--format", "md"});
  CHECK(again.exit_status == 0);
  CHECK(again.out == reports.markdown);
}

TEST_CASE("with --show-values the row differences carry the prices", "[cli][server]") {
  TempDir dir;
  write_price_scenario(dir);
  const Reports reports = verify(dir, {"--show-values"});
  INFO(reports.run.out << reports.run.err);
  CHECK(reports.run.exit_status == 1);
  CHECK(reports.report["literals_included"] == false);
  const json& differences = price_shape(reports.report)["first_divergence"]["row_differences"];
  CHECK(differences["values"] == "shown");
  REQUIRE(differences["rows"].size() == 3);
  CHECK(differences["rows"][0]["cells"][0] ==
        json::parse(R"({"column": "price", "baseline": {"bytes": 7, "value": "4711.83"},
                        "shadow": {"bytes": 4, "value": "4712"}})"));
  CHECK(differences["rows"][2]["cells"][0]["shadow"]["value"] == "16");  // 15.50 rounds up
  CHECK(reports.markdown.find("| #1 | price | '4711.83' | '4712' |") != std::string::npos);
  CHECK(reports.html.find("<td>price</td><td>&#39;9052.17&#39;</td><td>&#39;9052&#39;</td>") != std::string::npos);
  // Values are shown where asked for, and nowhere else: not in the terminal summary.
  CHECK(reports.run.out.find("4711.83") == std::string::npos);
}

}  // namespace pgshadow::e2e
