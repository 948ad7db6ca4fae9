#!/usr/bin/env bash
# The one script the CI examples run (github-actions.yml, gitlab-ci.yml); tests/outputs runs it
# for real, so the examples cannot rot.
#
#   examples/ci/verify-migration.sh SCENARIO_DIR
#   examples/ci/verify-migration.sh --baseline db/schema.sql --migration db/migrate/042.sql --capture traffic/
#
# Replays the recorded capture against the migration with pgshadow's embedded PostgreSQL, writes
# every report into $REPORT_DIR (report.json, report.xml (JUnit), report.md, report.html),
# appends the Markdown report to $GITHUB_STEP_SUMMARY when set, and exits with pgshadow's
# status: 0 safe (or review), 1 breaking, 2 bad input, 3 infrastructure.
# Environment: PGSHADOW (the binary, default build/pgshadow), REPORT_DIR (default
# pgshadow-report), PGSHADOW_ARGS (extra flags, e.g. "--allowlist ci/allow.yaml --fail-on review").
set -uo pipefail

pgshadow=${PGSHADOW:-build/pgshadow}
report_dir=${REPORT_DIR:-pgshadow-report}
mkdir -p "$report_dir"

# shellcheck disable=SC2086  # PGSHADOW_ARGS is a list of flags
"$pgshadow" verify "$@" ${PGSHADOW_ARGS:-} --report-dir "$report_dir" --no-color
status=$?

if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -s "$report_dir/report.md" ]; then
  cat "$report_dir/report.md" >> "$GITHUB_STEP_SUMMARY"
fi
case $status in
  0) echo "pgshadow: the migration is safe for today's traffic (or only has findings to review)" ;;
  1) echo "pgshadow: the migration breaks today's traffic: see $report_dir/report.md" ;;
  2) echo "pgshadow: bad input (flags, allowlist, capture or migration)" ;;
  *) echo "pgshadow: infrastructure failure ($status)" ;;
esac
exit $status
