#include <catch2/catch.hpp>

#include "pgshadow/util/input_problems.h"
#include "pgshadow/util/xxh3.h"

namespace pgshadow {

TEST_CASE("Digest128 addition carries from the low word and wraps mod 2^128", "[util]") {
  Digest128 a{~0ULL, 0};
  a += Digest128{1, 0};
  CHECK(a == Digest128{0, 1});
  Digest128 b{~0ULL, ~0ULL};
  b += Digest128{1, 0};
  CHECK(b == Digest128{0, 0});
}

TEST_CASE("XXH3-128 streams: split updates give the one-shot digest", "[util]") {
  Xxh3Hasher whole;
  whole.update("hello world");
  Xxh3Hasher split;
  split.update("hello ");
  split.update("world");
  CHECK(whole.digest() == split.digest());
  CHECK(whole.digest().to_hex().size() == 32);
  Xxh3Hasher other;
  other.update("hello worle");
  CHECK_FALSE(other.digest() == whole.digest());
}

TEST_CASE("input problems keep the first ones and count all by reason", "[util]") {
  InputProblems problems(2);
  problems.report({"a.csv", 3}, "unterminated quoted field");
  problems.report({"a.csv", 9}, "unterminated quoted field");
  problems.report({"b.csv", 1}, "not a log line");
  CHECK(problems.total() == 3);
  CHECK(problems.kept().size() == 2);
  CHECK(problems.kept()[0].where.to_string() == "a.csv:3");
  CHECK(problems.count_by_reason().at("unterminated quoted field") == 2);
  CHECK(SourceLocation{"x.jsonl", 0}.to_string() == "x.jsonl");
}

}  // namespace pgshadow
