#include "../../src/capture/csv_record_reader.h"

#include <sstream>

#include <catch2/catch.hpp>

using pgshadow::InputProblems;
using pgshadow::capture::CsvRecord;
using pgshadow::capture::CsvRecordReader;
using RecordStatus = CsvRecordReader::Status;

TEST_CASE("quoted fields, doubled quotes and empty fields are read as PostgreSQL writes them",
          "[csv]") {
  std::istringstream in("a,\"b,c\",,\"say \"\"hi\"\"\",\"\"\n");
  InputProblems problems;
  CsvRecordReader reader(in, "log.csv", problems);
  CsvRecord record;
  REQUIRE(reader.next(record) == RecordStatus::kRecord);
  CHECK(record.fields == std::vector<std::string>{"a", "b,c", "", "say \"hi\"", ""});
  CHECK(record.first_line == 1);
  CHECK(reader.next(record) == RecordStatus::kEnd);
  CHECK(problems.total() == 0);
}

TEST_CASE("a newline inside a quoted field stays in the field and lines keep counting", "[csv]") {
  std::istringstream in("1,\"SELECT a,\n  b\nFROM t\"\n2,x\n");
  InputProblems problems;
  CsvRecordReader reader(in, "log.csv", problems);
  CsvRecord record;
  REQUIRE(reader.next(record) == RecordStatus::kRecord);
  CHECK(record.fields == std::vector<std::string>{"1", "SELECT a,\n  b\nFROM t"});
  CHECK(record.first_line == 1);
  REQUIRE(reader.next(record) == RecordStatus::kRecord);
  CHECK(record.fields == std::vector<std::string>{"2", "x"});
  CHECK(record.first_line == 4);
}

TEST_CASE("a last record without a final newline is still a record", "[csv]") {
  std::istringstream in("a,b\nc,");
  InputProblems problems;
  CsvRecordReader reader(in, "log.csv", problems);
  CsvRecord record;
  REQUIRE(reader.next(record) == RecordStatus::kRecord);
  REQUIRE(reader.next(record) == RecordStatus::kRecord);
  CHECK(record.fields == std::vector<std::string>{"c", ""});
  CHECK(reader.next(record) == RecordStatus::kEnd);
}

TEST_CASE("a quote left open at end of file is reported at the record's first line", "[csv]") {
  std::istringstream in("a,b\nc,\"SELECT 1,\nFROM");
  InputProblems problems;
  CsvRecordReader reader(in, "cut.csv", problems);
  CsvRecord record;
  REQUIRE(reader.next(record) == RecordStatus::kRecord);
  REQUIRE(reader.next(record) == RecordStatus::kMalformed);
  CHECK(reader.next(record) == RecordStatus::kEnd);
  REQUIRE(problems.total() == 1);
  const auto& problem = problems.kept().front();
  CHECK(problem.where.to_string() == "cut.csv:2");
  CHECK(problem.reason == "unterminated quoted field");
  CHECK(problem.detail ==
        "the record starting at line 2 ends inside a quoted field at the end of the file (line 3): "
        "the file is truncated");
}

TEST_CASE("a record longer than the limit is reported and skipped without being stored", "[csv]") {
  std::istringstream in("short\n\"" + std::string(100, 'x') + "\"\nafter\n");
  InputProblems problems;
  CsvRecordReader reader(in, "big.csv", problems, /*max_record_bytes=*/50);
  CsvRecord record;
  REQUIRE(reader.next(record) == RecordStatus::kRecord);
  REQUIRE(reader.next(record) == RecordStatus::kMalformed);
  REQUIRE(reader.next(record) == RecordStatus::kRecord);
  CHECK(record.fields == std::vector<std::string>{"after"});
  CHECK(record.first_line == 3);
  REQUIRE(problems.total() == 1);
  CHECK(problems.kept().front().where.to_string() == "big.csv:2");
  CHECK(problems.kept().front().reason == "record too long");
}
