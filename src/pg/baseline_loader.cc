// load_baseline: the baseline's schema and data, loaded with the server's own client tools.
#include <libpq-fe.h>

#include <filesystem>
#include <fstream>

#include "baseline_inspection.h"
#include "child_process.h"
#include "conninfo_secret.h"
#include "libpq_options.h"
#include "pgshadow/pg/conninfo.h"
#include "pgshadow/pg/database_setup.h"
#include "server_user.h"

namespace pgshadow::pg {
namespace {

// The file reaches the tool on its standard input, opened by pgshadow: the tool runs as the
// unprivileged server user (never as root) and needs no right to the file or its directory.
// Its environment is pinned where a user's PG* variables would change how psql reads the file.
ChildCommand loader_command(const std::string& bin_dir, BaselineFormat format, const ConninfoForTool& target,
                            const std::string& as_role,
                            const std::optional<ServerUser>& run_as) {
  ChildCommand command;
  if (format == BaselineFormat::kCustomArchive) {
    command.program = bin_dir + "/pg_restore";
    // Owners and privileges as the archive has them; tablespaces are production host paths.
    command.args = {"--exit-on-error", "--no-tablespaces", "-d", target.conninfo};
    if (!as_role.empty()) command.args.push_back("--role=" + as_role);
  } else {
    command.program = bin_dir + "/psql";
    command.args = {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", target.conninfo, "-f", "-"};
    command.env.push_back("PGOPTIONS=" + (as_role.empty() ? std::string() : "-c role=" + options_word(as_role)));
    // psql's reading of the file was checked for UTF-8 and standard_conforming_strings = on.
    command.env.push_back("PGCLIENTENCODING=UTF8");
  }
  if (!target.password.empty()) command.env.push_back("PGPASSWORD=" + target.password);
  command.run_as = run_as;
  command.working_dir = "/";
  command.capture_stdout = false;  // psql prints the results of queries in the file
  return command;
}

// psql names its input "<stdin>" in messages: name the file instead.
std::string naming_the_file(std::string output, const std::string& file) {
  const std::string stdin_name = "psql:<stdin>:";
  for (std::size_t at = output.find(stdin_name); at != std::string::npos;
       at = output.find(stdin_name, at + file.size() + 6)) {
    output.replace(at, stdin_name.size(), "psql:" + file + ":");
  }
  return output;
}

}  // namespace

Status load_baseline(const std::string& bin_dir, const std::string& conninfo, const std::string& baseline_file,
                     const std::string& as_role, const std::atomic<bool>* interrupted) {
  auto format = baseline_format(baseline_file);
  if (!format) return format.error();
  if (*format == BaselineFormat::kPlainSql) {
    // psql runs meta-commands (\! runs a shell command): the file must hold SQL only.
    auto checked = read_plain_baseline(baseline_file);
    if (!checked) return checked.error();
  }
  auto target = conninfo_for_tool(conninfo);
  if (!target) return target.error();
  // A server that cannot be reached is an infrastructure failure, not a bad baseline.
  if (PQping(conninfo.c_str()) != PQPING_OK) {
    return Error::infrastructure("cannot connect to " + redact(conninfo) +
                                 " to load the baseline");
  }
  auto user = unprivileged_server_user();
  if (!user) return user.error();
  auto command = loader_command(bin_dir, *format, *target, as_role, *user);
  command.interrupted = interrupted;
  auto outcome = run_child(command, baseline_file);
  if (!outcome) return outcome.error();
  if (outcome->succeeded()) return {};
  auto tool = std::filesystem::path(command.program).filename().string();
  // The server's disk, not the baseline, is at fault (the embedded server writes its messages in
  // the C locale: strerror(ENOSPC) reads the same everywhere).
  if (outcome->output.find("No space left on device") != std::string::npos) {
    return Error::infrastructure("the server ran out of disk space loading the baseline " + baseline_file + " into " +
                                 database_of(conninfo) + " (" + tool + " " + outcome->describe() + "):\n" +
                                 last_lines(outcome->output, kToolLinesInErrors));
  }
  return Error::bad_input(baseline_file + ": the baseline failed to load into " +
                          database_of(conninfo) + " (" + tool + " " + outcome->describe() +
                          "):\n" + naming_the_file(last_lines(outcome->output, kToolLinesInErrors), baseline_file));
}

}  // namespace pgshadow::pg
