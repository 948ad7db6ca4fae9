// load_baseline: the baseline's schema and data, loaded with the server's own client tools.
#include <libpq-fe.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "child_process.h"
#include "conninfo_secret.h"
#include "pgshadow/pg/conninfo.h"
#include "pgshadow/pg/database_setup.h"

namespace pgshadow::pg {
namespace {

constexpr std::size_t kToolLinesInErrors = 20;

enum class BaselineFormat { kPlainSql, kCustomArchive };

// pg_dump -Fc archives start with the magic "PGDMP"; anything else is SQL for psql.
Result<BaselineFormat> format_of(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error::bad_input(file + ": cannot read the baseline file: " + strerror(errno));
  char magic[5] = {};
  in.read(magic, sizeof magic);
  bool archive = in.gcount() == sizeof magic && std::string_view(magic, sizeof magic) == "PGDMP";
  return archive ? BaselineFormat::kCustomArchive : BaselineFormat::kPlainSql;
}

ChildCommand loader_command(const std::string& bin_dir, BaselineFormat format,
                            const ConninfoForTool& target, const std::string& file) {
  ChildCommand command;
  if (format == BaselineFormat::kCustomArchive) {
    command.program = bin_dir + "/pg_restore";
    command.args = {"--no-owner", "--no-privileges", "--exit-on-error", "-d", target.conninfo,
                    file};
  } else {
    command.program = bin_dir + "/psql";
    command.args = {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", target.conninfo, "-f", file};
  }
  if (!target.password.empty()) command.env.push_back("PGPASSWORD=" + target.password);
  std::error_code ignored;
  command.working_dir = std::filesystem::current_path(ignored).string();  // relative paths work
  command.capture_stdout = false;  // psql prints the results of queries in the file
  return command;
}

}  // namespace

Status load_baseline(const std::string& bin_dir, const std::string& conninfo,
                     const std::string& baseline_file, const std::atomic<bool>* interrupted) {
  auto format = format_of(baseline_file);
  if (!format) return format.error();
  auto target = conninfo_for_tool(conninfo);
  if (!target) return target.error();
  // A server that cannot be reached is an infrastructure failure, not a bad baseline.
  if (PQping(conninfo.c_str()) != PQPING_OK) {
    return Error::infrastructure("cannot connect to " + redact(conninfo) +
                                 " to load the baseline");
  }
  auto command = loader_command(bin_dir, *format, *target, baseline_file);
  command.interrupted = interrupted;
  auto outcome = run_child(command);
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
                          "):\n" + last_lines(outcome->output, kToolLinesInErrors));
}

}  // namespace pgshadow::pg
