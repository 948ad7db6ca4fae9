#pragma once
// Everything a run produced, in the form the exporters read: the JSON report (the machine
// contract, docs/report-format.md) and the terminal summary.
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pgshadow/capture/event_source.h"
#include "pgshadow/judge/findings.h"
#include "pgshadow/judge/gate.h"
#include "pgshadow/pg/role_setup.h"
#include "pgshadow/pg/table_scaling.h"
#include "pgshadow/replay/replay.h"
#include "pgshadow/report/timeline.h"

namespace pgshadow::report {

inline constexpr int kReportFormatVersion = 1;

struct InputFile {
  std::string path;
  std::string xxh3;  // XXH3-128 of the file's bytes, hex; empty for a directory
};

struct RunDescription {
  std::optional<std::string> scenario;  // the scenario directory's name
  std::optional<InputFile> baseline;
  std::vector<InputFile> migrations;
  std::vector<InputFile> captures;
  std::string capture_description;      // what the capture reader said it read
  std::string server_mode;              // "embedded" or "dsn"
  std::string server_version;           // e.g. "15.20"
  std::string baseline_target;          // redacted conninfo or "embedded:DATABASE"
  std::string shadow_target;
  std::optional<InputFile> globals;     // --globals FILE
  // The database the embedded clusters hold the baseline in, and why that name: "--database",
  // "capture" (its events name it), "archive" (the pg_dump archive's) or "default".
  std::string database;
  std::string database_chosen_from;
  std::vector<std::string> capture_databases;  // the databases the capture's first events name
  std::string database_note;                   // why several names became one, when they did
  const pg::RoleSetup* roles = nullptr;         // what the replay's privileges rest on
  std::optional<std::uint32_t> next_oid;       // both embedded clusters' next OID once levelled
  std::vector<pg::ScaledTable> scaled_tables;   // --scale-table: what was grown, on both sides
  std::string started_at;               // ISO-8601 UTC
  // Which run this is: shards of one run share run_id (verify --run-id, default from the
  // Job's name), and each names its shard (--shard i/n; 0 of 1 when not sharded).
  std::string run_id;
  std::uint32_t shard_index = 0;
  std::uint32_t shard_count = 1;
  // The command line's flags, as given (connection strings redacted): what was verified how.
  std::vector<std::string> options;
  double wall_seconds = 0;
  // Before the replay: inputs checked, servers started, baseline loaded, migration applied.
  double setup_seconds = 0;
  std::uint64_t peak_rss_bytes = 0;  // of the pgshadow process, at the end of the run
  capture::InputAccounting capture_accounting;
  const InputProblems* capture_problems = nullptr;
  std::uint64_t sessions = 0;
  const Timeline* timeline = nullptr;  // classes over the replay, when recorded
  // How the replay went (absent when it did not run): see replay::ReplaySummary.
  const replay::ReplaySummary* replay = nullptr;
  std::string order;  // "causal", "strict" or "timed"
  bool read_only = false;
  // Set when a signal stopped the run before its end: the reports hold what was compared until
  // then, the rest of the capture was not replayed, and no verdict over it is proven safe.
  struct Interruption {
    std::string signal;  // "SIGINT", "SIGTERM"
    std::string during;  // "setup", "migration", "replay"
  };
  std::optional<Interruption> interrupted;
};

// The hex XXH3-128 digest of a file's contents, or an Error naming the file.
Result<std::string> file_digest(const std::string& path);

// `gate` (may be null) adds the gate's decision: the final verdict, allowed findings with their
// reasons, and the budgets.
nlohmann::json to_json(const RunDescription& run, const judge::FindingsBook& findings,
                       const judge::GateDecision* gate = nullptr);

// The human summary: verdict first, then the breaking and review shapes with one line of
// explanation each, then the accounting. No literals unless the findings were built with them.
// The verdict as the terminal shows it: "SAFE", "REVIEW", "BREAKING", or "INCOMPLETE" for a safe
// verdict over statements that could not be replayed (unproven: the exit status is 3), or for
// any verdict but breaking of a run that a signal stopped before its end.
std::string verdict_word(Verdict verdict, const judge::Accounting& accounting, bool interrupted = false);

void print_summary(std::ostream& out, const RunDescription& run, const judge::FindingsBook& findings,
                   bool use_color, const judge::GateDecision* gate = nullptr);

}  // namespace pgshadow::report
