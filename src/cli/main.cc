// pgshadow's command line: parses flags, calls the stages, maps errors to exit statuses.
#include <CLI/CLI.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "capture_command.h"
#include "interrupt.h"
#include "merge_command.h"
#include "replay_options.h"
#include "report_command.h"
#include "rollout_command.h"
#include "verify_options.h"
#include "version.h"

namespace {

constexpr const char* kVerifyExitCodes =
    "Exit status:\n"
    "  0  safe (or review, unless --fail-on review)\n"
    "  1  breaking (or review with --fail-on review, or a --max budget exceeded)\n"
    "  2  bad usage or input (flags, files, capture, migration syntax, an allowlist that is\n"
    "     malformed or has an expired entry); a capture with nothing to compare (no event read,\n"
    "     more than --max-unusable of it unusable, every event filtered or skipped)\n"
    "  3  infrastructure failure (cannot start or reach a server, a report that cannot be\n"
    "     written), or statements that could not be replayed (the reports are still written)\n"
    "  130/143  interrupted by SIGINT/SIGTERM (the reports asked for are written, marked\n"
    "           interrupted; the embedded server is removed)\n";

// Each command's --help lists the statuses it can return; these are what they share.
constexpr const char* kExitCodes =
    "Exit status (each command's --help says when): 0 success (safe), 1 breaking (verify,\n"
    "merge), 2 bad usage or input, 3 infrastructure failure, 130/143 interrupted.\n";

void add_verify_command(CLI::App& app, pgshadow::cli::VerifyOptions& options) {
  CLI::App* verify = app.add_subcommand(
      "verify",
      "Replay captured production traffic against the baseline schema and the migrated (shadow) "
      "schema, compare every result, and give a verdict.\n\n"
      "  pgshadow verify SCENARIO_DIR\n"
      "  pgshadow verify --baseline FILE --migration FILE... --capture PATH... [options]\n\n"
      "Without --baseline-dsn/--shadow-dsn, pgshadow starts a throwaway PostgreSQL cluster, loads\n"
      "the baseline once (with its owners and privileges) into a database named as the capture's,\n"
      "copies the cluster so that each side has its own, applies the migration to the shadow,\n"
      "replays every session as its captured role (never as a superuser), and removes both.");
  verify->footer(kVerifyExitCodes);
  verify->add_option("scenario", options.scenario_dir,
                     "Scenario directory: baseline.sql|baseline.dump, migrations/*.sql, traffic/")
      ->type_name("DIR");
  verify->add_option("--baseline", options.baseline_file,
                     "The database before the migration: plain SQL, or a pg_dump -Fc archive")
      ->type_name("FILE");
  verify->add_option("--migration", options.migration_files,
                     "Migration file, applied to the shadow only; repeat for several, applied in order")
      ->type_name("FILE");
  verify->add_option("--capture", options.capture_paths,
                     "Captured traffic: PostgreSQL logs (csvlog, jsonlog, stderr, syslog; plain, .gz, "
                     ".bz2 or .xz; the format told by the content) or pgshadow .jsonl captures, files or "
                     "directories of rotated files; repeatable. A capture with no readable event, or with "
                     "more than --max-unusable of its statements unusable, is refused (exit 2)")
      ->type_name("PATH");
  verify->add_option("--globals", options.globals_file,
                     "The roles the baseline and the traffic need: pg_dumpall --globals-only output (every role "
                     "becomes NOSUPERUSER; tablespaces are left out). Default: roles are created for what the "
                     "baseline and the capture name")
      ->type_name("FILE");
  verify->add_option("--database-owner", options.database_owner,
                     "Owner of the embedded database, who also runs the migration (default: the pg_dump "
                     "archive's, else pgshadow_owner)")
      ->type_name("ROLE");
  verify->add_option("--baseline-dsn", options.baseline_dsn,
                     "Use this existing database as the baseline (libpq URI or key=value; PG* variables apply)")
      ->type_name("DSN");
  verify->add_option("--shadow-dsn", options.shadow_dsn,
                     "Use this existing database as the shadow (the migration, if given, is applied to it)")
      ->type_name("DSN");
  verify->add_option("--pg-bin", options.pg_bin,
                     "PostgreSQL server binaries for the embedded server (default: $PGSHADOW_PG_BIN, "
                     "pg_config --bindir, /usr/lib/postgresql/*/bin)")
      ->type_name("DIR");
  verify->add_flag("--keep-server", options.keep_server,
                   "Leave the embedded server running at the end and print how to connect");
  verify->add_flag("--include-literals", options.include_literals,
                   "Put statement texts, error messages and row values in the report; implies --show-values (local use only: "
                   "captured traffic holds personal data)");
  verify->add_flag("--show-values", options.show_values,
                   "Show row values in the row differences, not only NULL or their length (local use "
                   "only: captured traffic holds personal data)");
  verify->add_option("--production-dsn", options.production_dsn,
                     "The production database the traffic came from: pgshadow refuses to replay "
                     "against it (writes are replayed)")
      ->type_name("DSN");
  pgshadow::cli::add_filter_options(*verify, options.filters);
  pgshadow::cli::add_replay_options(*verify, options.replay);
  pgshadow::cli::add_lock_impact_options(*verify, options.locks);
  pgshadow::cli::add_output_options(*verify, options.outputs);
  pgshadow::cli::add_observability_options(*verify, options.observability);
}

// Runs the chosen subcommand and returns its exit status.
int run_subcommand(CLI::App& app, pgshadow::cli::VerifyOptions& verify_options,
                   const pgshadow::cli::CaptureOptions& capture_options,
                   const pgshadow::cli::ReportOptions& report_options,
                   const pgshadow::cli::MergeOptions& merge_options,
                   const pgshadow::cli::RolloutOptions& rollout_options) {
  if (app.got_subcommand("verify")) {
    if (pgshadow::Status s = pgshadow::cli::complete_from_scenario(verify_options); !s) {
      std::cerr << "pgshadow: " << s.error().message << "\n";
      return static_cast<int>(pgshadow::ExitCode::kBadInput);
    }
    return pgshadow::cli::run_verify(verify_options);
  }
  if (app.got_subcommand("capture")) return pgshadow::cli::run_capture(capture_options);
  if (app.got_subcommand("report")) return pgshadow::cli::run_report(report_options);
  if (app.got_subcommand("merge")) return pgshadow::cli::run_merge(merge_options);
  if (app.got_subcommand("rollout")) return pgshadow::cli::run_rollout(rollout_options);
  return static_cast<int>(pgshadow::ExitCode::kBadInput);
}

// What was printed reached standard output, or the run failed: a summary or a capture lost to a
// full disk or a closed pipe is not a success.
int with_standard_output_checked(int status) {
  errno = 0;
  const bool flushed = std::fflush(stdout) == 0;
  std::cout.flush();
  if (flushed && !std::ferror(stdout) && std::cout.good()) return status;
  const int error = errno;
  std::cerr << "pgshadow: cannot write to standard output: " << (error != 0 ? std::strerror(error) : "write error")
            << "\n";
  return status == 0 || status == 1 ? static_cast<int>(pgshadow::ExitCode::kInfrastructure) : status;
}

}  // namespace

int main(int argc, char** argv) {
  // A write to a closed pipe (a reader gone, the guardian dead) is an error to report, not a
  // signal that kills pgshadow with status 141 before it says anything.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"pgshadow — shadow-traffic schema verifier for PostgreSQL", "pgshadow"};
  app.set_version_flag("--version", pgshadow::cli::version_text());
  app.require_subcommand(1);
  app.footer(kExitCodes);
  pgshadow::cli::VerifyOptions verify_options;
  add_verify_command(app, verify_options);
  pgshadow::cli::CaptureOptions capture_options;
  pgshadow::cli::add_capture_command(app, capture_options);
  pgshadow::cli::ReportOptions report_options;
  pgshadow::cli::add_report_command(app, report_options);
  pgshadow::cli::MergeOptions merge_options;
  pgshadow::cli::add_merge_command(app, merge_options);
  pgshadow::cli::RolloutOptions rollout_options;
  pgshadow::cli::add_rollout_command(app, rollout_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& success) {
    return app.exit(success);
  } catch (const CLI::ParseError& error) {
    app.exit(error);
    return static_cast<int>(pgshadow::ExitCode::kBadInput);
  }

  verify_options.arguments.assign(argv + 1, argv + argc);  // what was verified how, for the reports
  pgshadow::cli::install_interrupt_handlers();
  // The last resort: every path a user can reach returns an Error; an exception that still
  // escapes (a library throwing where it was not expected) is reported, never an abort().
  try {
    return with_standard_output_checked(run_subcommand(app, verify_options, capture_options, report_options, merge_options,
                                                      rollout_options));
  } catch (const std::exception& error) {
    std::cerr << "pgshadow: internal error: " << error.what() << "\n";
  } catch (...) {
    std::cerr << "pgshadow: internal error: an unknown exception\n";
  }
  return static_cast<int>(pgshadow::ExitCode::kInfrastructure);
}
