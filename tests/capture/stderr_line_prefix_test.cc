// The log_line_prefix matcher: every escape PostgreSQL 15 prints, padding, %q, and values that
// contain the literal text that follows them.
#include <deque>

#include <catch2/catch.hpp>

#include "../../src/capture/stderr_line_prefix.h"

using namespace pgshadow::capture;

namespace {

// The fields are views into the line: the lines matched are kept for the test's duration.
PrefixFields match(const std::string& prefix, const std::string& text) {
  static std::deque<std::string> lines;
  const std::string& line = lines.emplace_back(text);
  auto compiled = LinePrefix::compile(prefix);
  REQUIRE(compiled.ok());
  PrefixFields fields;
  INFO("prefix '" << prefix << "' line '" << line << "'");
  REQUIRE(compiled->match(line, fields));
  return fields;
}

bool matches(const std::string& prefix, const std::string& line) {
  PrefixFields fields;
  return LinePrefix::compile(prefix)->match(line, fields);
}

}  // namespace

TEST_CASE("the default prefix splits time, pid, severity and text", "[stderr]") {
  const auto f = match("%m [%p] ", "2026-11-23 10:00:00.123 UTC [4242] LOG:  statement: SELECT 1");
  CHECK(f.value('m') == "2026-11-23 10:00:00.123 UTC");
  CHECK(f.value('p') == "4242");
  CHECK(f.severity == "LOG");
  CHECK(f.text == "statement: SELECT 1");
  CHECK(f.value('u').empty());
}

TEST_CASE("every escape of PostgreSQL 15 is read", "[stderr]") {
  const std::string prefix = "%a|%u|%d|%r|%h|%b|%p|%P|%t|%m|%n|%i|%e|%c|%l|%s|%v|%x|%Q|%%|";
  const std::string line =
      "my app|alice|shop db|10.0.0.1(5432)|10.0.0.1|client backend|4242|4000|2026-11-23 10:00:00 +03|"
      "2026-11-23 10:00:00.123 +03|1795435196.123|idle in transaction|42703|6b042abf.1e9f|17|"
      "2026-11-23 09:00:00 +03|3/12|745|-8177426364546546|%|ERROR:  column \"x\" does not exist";
  const auto f = match(prefix, line);
  CHECK(f.value('a') == "my app");
  CHECK(f.value('u') == "alice");
  CHECK(f.value('d') == "shop db");
  CHECK(f.value('r') == "10.0.0.1(5432)");
  CHECK(f.value('h') == "10.0.0.1");
  CHECK(f.value('b') == "client backend");
  CHECK(f.value('p') == "4242");
  CHECK(f.value('P') == "4000");
  CHECK(f.value('t') == "2026-11-23 10:00:00 +03");
  CHECK(f.value('m') == "2026-11-23 10:00:00.123 +03");
  CHECK(f.value('n') == "1795435196.123");
  CHECK(f.value('i') == "idle in transaction");
  CHECK(f.value('e') == "42703");
  CHECK(f.value('c') == "6b042abf.1e9f");
  CHECK(f.value('l') == "17");
  CHECK(f.value('s') == "2026-11-23 09:00:00 +03");
  CHECK(f.value('v') == "3/12");
  CHECK(f.value('x') == "745");
  CHECK(f.value('Q') == "-8177426364546546");
  CHECK(f.severity == "ERROR");
  CHECK(f.text == "column \"x\" does not exist");
}

TEST_CASE("escapes the server may print as nothing match an empty value", "[stderr]") {
  // %P of a process that is not a parallel worker, %v of a process without a virtual xid.
  const auto f = match("[%P][%v] ", "[][] LOG:  checkpoint starting: time");
  CHECK(f.value('P').empty());
  CHECK(f.value('v').empty());
}

TEST_CASE("padding is removed, left or right", "[stderr]") {
  const auto f = match("%-10u|%10p|%-5d ", "bob       |      4242|shop  LOG:  x");
  CHECK(f.value('u') == "bob");
  CHECK(f.value('p') == "4242");
  CHECK(f.value('d') == "shop");
}

TEST_CASE("%q ends the prefix of processes without a client connection", "[stderr]") {
  const std::string prefix = "%m [%p] %q%u@%d ";
  const auto session = match(prefix, "2026-11-23 10:00:00.123 UTC [42] app@shop LOG:  statement: SELECT 1");
  CHECK(session.session_part);
  CHECK(session.value('u') == "app");
  CHECK(session.value('d') == "shop");
  const auto background = match(prefix, "2026-11-23 10:00:00.123 UTC [40] LOG:  checkpoint starting: time");
  CHECK_FALSE(background.session_part);
  CHECK(background.value('p') == "40");
  CHECK(background.value('u').empty());
  CHECK(background.text == "checkpoint starting: time");
}

TEST_CASE("a value containing the literal that follows it is found by trying the next occurrence",
          "[stderr]") {
  const auto f = match("%m [%p] %q%u@%d ", "2026-11-23 10:00:00.123 UTC [42] a@b@my shop db LOG:  statement: x");
  CHECK(f.value('u') == "a");
  CHECK(f.value('d') == "b@my shop db");
  const auto g = match("[%a] %u: ", "[app [v2]] me: LOG:  x");
  CHECK(g.value('a') == "app [v2]");
  CHECK(g.value('u') == "me");
}

TEST_CASE("a field's syntax decides between readings: %p is digits, %m a timestamp with milliseconds",
          "[stderr]") {
  CHECK_FALSE(matches("%m [%p] ", "2026-11-23 10:00:00 UTC [42] LOG:  x"));   // %t, not %m
  CHECK_FALSE(matches("%t [%p] ", "2026-11-23 10:00:00.123 UTC [42] LOG:  x"));
  CHECK_FALSE(matches("%m [%p] ", "2026-11-23 10:00:00.123 UTC [4a2] LOG:  x"));
  CHECK(matches("%p%u ", "4242alice LOG:  x"));  // adjacent escapes: digits end where %p must
}

TEST_CASE("the rest must be a severity or a secondary keyword with two spaces", "[stderr]") {
  for (const char* keyword : {"DEBUG", "LOG", "INFO", "NOTICE", "WARNING", "ERROR", "FATAL", "PANIC",
                              "DETAIL", "HINT", "QUERY", "CONTEXT", "LOCATION", "STATEMENT", "BACKTRACE"}) {
    CHECK(match("[%p] ", std::string("[1] ") + keyword + ":  text").severity == keyword);
  }
  CHECK_FALSE(matches("[%p] ", "[1] LOG: one space"));
  CHECK_FALSE(matches("[%p] ", "[1] NOTE:  not a severity"));
  CHECK_FALSE(matches("[%p] ", "\tcontinuation"));
  CHECK(match("", "LOG:  the empty prefix (PostgreSQL 9 default)").text == "the empty prefix (PostgreSQL 9 default)");
}

TEST_CASE("%% is a literal percent sign and unknown escapes print nothing", "[stderr]") {
  CHECK(match("100%% [%p]%Z ", "100% [7] LOG:  x").value('p') == "7");
  CHECK(LinePrefix::compile("%m [%p] %q%u")->has('u'));
  CHECK_FALSE(LinePrefix::compile("%m [%p] %%u")->has('u'));
}

TEST_CASE("a line that does not match costs a bounded search, however long", "[stderr]") {
  const std::string line = "2026-11-23 10:00:00.123 UTC [" + std::string(8 << 20, 'x');
  CHECK_FALSE(matches("%m [%p] %q%u@%d ", line));
}
