// pgshadow's command line: parses flags, calls the stages, maps errors to exit statuses.
#include <CLI/CLI.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "capture_command.h"
#include "interrupt.h"
#include "replay_options.h"
#include "report_command.h"
#include "verify_options.h"

namespace {

constexpr const char* kExitCodes =
    "Exit status:\n"
    "  0  safe (or review, unless --fail-on review)\n"
    "  1  breaking (or review with --fail-on review, or a --max budget exceeded)\n"
    "  2  bad usage or input (flags, files, capture, migration syntax, an allowlist that is\n"
    "     malformed or has an expired entry)\n"
    "  3  infrastructure failure (cannot start or reach a server), or statements that could not\n"
    "     be replayed (the reports are still written)\n"
    "  130/143  interrupted by SIGINT/SIGTERM (the embedded server is removed)\n";

void add_verify_command(CLI::App& app, pgshadow::cli::VerifyOptions& options) {
  CLI::App* verify = app.add_subcommand(
      "verify",
      "Replay captured production traffic against the baseline schema and the migrated (shadow) "
      "schema, compare every result, and give a verdict.\n\n"
      "  pgshadow verify SCENARIO_DIR\n"
      "  pgshadow verify --baseline FILE --migration FILE... --capture PATH... [options]\n\n"
      "Without --baseline-dsn/--shadow-dsn, pgshadow starts a throwaway PostgreSQL cluster, loads\n"
      "the baseline once, clones it into the baseline and shadow databases, applies the migration\n"
      "to the shadow, replays, and removes the cluster.");
  verify->footer(kExitCodes);
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
                     "Captured traffic: a pgshadow .jsonl capture or PostgreSQL csvlog file(s) or a "
                     "directory of them; repeatable")
      ->type_name("PATH");
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
  pgshadow::cli::add_output_options(*verify, options.outputs);
  pgshadow::cli::add_observability_options(*verify, options.observability);
}

// Runs the chosen subcommand and returns its exit status.
int run_subcommand(CLI::App& app, pgshadow::cli::VerifyOptions& verify_options,
                   const pgshadow::cli::CaptureOptions& capture_options,
                   const pgshadow::cli::ReportOptions& report_options) {
  if (app.got_subcommand("verify")) {
    if (pgshadow::Status s = pgshadow::cli::complete_from_scenario(verify_options); !s) {
      std::cerr << "pgshadow: " << s.error().message << "\n";
      return static_cast<int>(pgshadow::ExitCode::kBadInput);
    }
    return pgshadow::cli::run_verify(verify_options);
  }
  if (app.got_subcommand("capture")) return pgshadow::cli::run_capture(capture_options);
  if (app.got_subcommand("report")) return pgshadow::cli::run_report(report_options);
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
  app.set_version_flag("--version", std::string("pgshadow ") + PGSHADOW_VERSION);
  app.require_subcommand(1);
  app.footer(kExitCodes);
  pgshadow::cli::VerifyOptions verify_options;
  add_verify_command(app, verify_options);
  pgshadow::cli::CaptureOptions capture_options;
  pgshadow::cli::add_capture_command(app, capture_options);
  pgshadow::cli::ReportOptions report_options;
  pgshadow::cli::add_report_command(app, report_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& success) {
    return app.exit(success);
  } catch (const CLI::ParseError& error) {
    app.exit(error);
    return static_cast<int>(pgshadow::ExitCode::kBadInput);
  }

  pgshadow::cli::install_interrupt_handlers();
  // The last resort: every path a user can reach returns an Error; an exception that still
  // escapes (a library throwing where it was not expected) is reported, never an abort().
  try {
    return with_standard_output_checked(run_subcommand(app, verify_options, capture_options, report_options));
  } catch (const std::exception& error) {
    std::cerr << "pgshadow: internal error: " << error.what() << "\n";
  } catch (...) {
    std::cerr << "pgshadow: internal error: an unknown exception\n";
  }
  return static_cast<int>(pgshadow::ExitCode::kInfrastructure);
}
