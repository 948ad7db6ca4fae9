#include "pgshadow/metrics/bounded_label.h"

#include <catch2/catch.hpp>

#include "pgshadow/metrics/run_metrics.h"

namespace pgshadow::metrics {
namespace {

TEST_CASE("the first values keep their label, later ones become \"other\"") {
  BoundedLabel label(2);
  bool is_new = false;
  CHECK(label.label_for("a", &is_new) == "a");
  CHECK(is_new);
  CHECK(label.label_for("b") == "b");
  CHECK(label.label_for("c", &is_new) == "other");
  CHECK_FALSE(is_new);
  CHECK(label.label_for("a", &is_new) == "a");
  CHECK_FALSE(is_new);
  CHECK(label.size() == 2);
}

TEST_CASE("a value spelled \"other\" never takes a slot of its own") {
  BoundedLabel label(5);
  CHECK(label.label_for("other") == "other");
  CHECK(label.size() == 0);
}

TEST_CASE("only real SQLSTATEs become labels") {
  CHECK(sqlstate_label("42703") == "42703");
  CHECK(sqlstate_label("P0001") == "P0001");
  CHECK(sqlstate_label("") == "other");
  CHECK(sqlstate_label("4270") == "other");
  CHECK(sqlstate_label("42\"03") == "other");
}

}  // namespace
}  // namespace pgshadow::metrics
