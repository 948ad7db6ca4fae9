#!/usr/bin/env python3
"""The corpus runner's checks (run_case.check_report) on hand-made reports: each expectation
key catches what it is for. No server: ctest label unit."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_case import check_report  # noqa: E402


def shape(normalized, classes, fingerprint="f0", shadow_errors=None, baseline_errors=None, first=None):
    return {"normalized": normalized, "fingerprint": fingerprint, "statements": sum(classes.values()),
            "classes": classes, "shadow_errors": shadow_errors or {}, "baseline_errors": baseline_errors or {},
            "first_divergence": first}


def report(shapes, verdict="safe", skipped=None):
    return {"verdict": verdict, "shapes": shapes, "migration": {"failure": None},
            "accounting": {"balanced": True, "compared": sum(s["statements"] for s in shapes),
                           "skipped_by_reason": skipped or {}}}


SAFE = {"verdict": "safe", "exit_code": 0, "findings": []}


class CheckReportTest(unittest.TestCase):
    def test_a_safe_run_with_only_matches_meets_a_safe_expectation(self):
        self.assertEqual(check_report(report([shape("SELECT 1", {"match": 3})]), SAFE, 0), [])

    def test_a_wrong_verdict_and_exit_status_are_misses(self):
        misses = check_report(report([shape("SELECT 1", {"match": 1})], verdict="breaking"), SAFE, 1)
        self.assertIn("exit status 1, expected 0", misses)
        self.assertIn("verdict breaking, expected safe", misses)

    def test_an_undeclared_breaking_class_is_a_miss(self):
        r = report([shape("DROP ROLE r", {"error_shadow_only": 1}, shadow_errors={"42704": 1})])
        misses = check_report(r, SAFE, 0)
        self.assertEqual(len(misses), 1)
        self.assertTrue(misses[0].startswith('undeclared error_shadow_only x1 on "DROP ROLE r"'), misses)

    def test_a_finding_with_a_sqlstate_declares_only_shapes_that_failed_with_it(self):
        expect = {"verdict": "breaking", "exit_code": 1,
                  "findings": [{"class": "error_shadow_only", "sqlstate": "42703", "count": 2}]}
        r = report([shape("SELECT a FROM t", {"error_shadow_only": 2}, shadow_errors={"42703": 2}),
                    shape("SELECT * FROM v", {"error_shadow_only": 1}, shadow_errors={"42P01": 1})],
                   verdict="breaking")
        misses = check_report(r, expect, 1)
        self.assertEqual(len(misses), 1)
        self.assertTrue(misses[0].startswith('undeclared error_shadow_only x1 on "SELECT * FROM v"'), misses)

    def test_an_exact_count_that_differs_is_a_miss(self):
        expect = {"verdict": "review", "exit_code": 0,
                  "findings": [{"class": "columns_added", "shape": "select * from users", "count": 3}]}
        r = report([shape("select * from users", {"columns_added": 2, "match": 1})], verdict="review")
        self.assertEqual(check_report(r, expect, 0),
                         ['expected finding missing: columns_added on "select * from users" count 3 (found 2)'])

    def test_nondeterministic_and_consequence_need_declaring_unless_any(self):
        r = report([shape("SELECT now()", {"nondeterministic": 1}), shape("COMMIT", {"consequence": 1})])
        self.assertEqual(len(check_report(r, SAFE, 0)), 2)
        self.assertEqual(check_report(r, dict(SAFE, nondeterministic="any", consequences=["COMMIT"]), 0), [])

    def test_required_consequences_must_exist_and_name_the_root(self):
        root = "INSERT INTO posts VALUES ($1)"
        expect = {"verdict": "breaking", "exit_code": 1,
                  "findings": [{"class": "error_shadow_only", "shape": root}], "consequences": "any",
                  "required_consequences": {"root": root, "shapes": ["INSERT INTO comments VALUES ($1)", "COMMIT"]}}
        r = report([shape(root, {"error_shadow_only": 1}, fingerprint="root"),
                    shape("INSERT INTO comments VALUES ($1)", {"error_shadow_only": 1}, fingerprint="c",
                          shadow_errors={"23503": 1}),
                    shape("COMMIT", {"consequence": 1}, fingerprint="k",
                          first={"class": "consequence", "root_fingerprint": "savepoint"})],
                   verdict="breaking")
        misses = check_report(r, expect, 1)
        self.assertTrue(any(m.startswith('undeclared error_shadow_only x1 on "INSERT INTO comments') for m in misses))
        self.assertTrue(any(m.startswith('expected consequences of the root, found none on "INSERT INTO comments')
                            for m in misses))
        self.assertIn("consequence on \"COMMIT\" names root savepoint, expected ['root']", misses)

    def test_a_statement_that_must_be_skipped_may_not_be_compared(self):
        expect = dict(SAFE, must_skip=[{"shape": "COPY t TO PROGRAM $1", "count": 1}])
        r = report([shape("COPY t TO PROGRAM $1", {"match": 1})], skipped={"empty statement": 2})
        self.assertEqual(check_report(r, expect, 0), [
            'must be skipped, was replayed x1: "COPY t TO PROGRAM $1"',
            '0 statements skipped for reaching outside the databases, expected at least 1 '
            '(skipped_by_reason: {"empty statement": 2})'])
        skipped = report([shape("SELECT 1", {"match": 1})],
                         skipped={"empty statement": 2, "reaches outside the databases: COPY ... PROGRAM": 1})
        self.assertEqual(check_report(skipped, expect, 0), [])


if __name__ == "__main__":
    unittest.main()
