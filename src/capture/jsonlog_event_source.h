#pragma once
// Events from PostgreSQL 15 jsonlog files (one JSON object per line, jsonlog_record.h). Several
// files are one log cut by rotation, read one after the other through one assembler, as for
// csvlog. A line that is not a JSON object is reported with file:line and reading continues.
// Not thread-safe; borrows the problem sink.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "file_sequence.h"
#include "log_event_assembler.h"
#include "pgshadow/capture/event_source.h"

namespace pgshadow::capture {

class JsonlogEventSource final : public EventSource {
 public:
  // `files` in reading order (oldest first); `first_opened`: files[0] already opened (stdin).
  JsonlogEventSource(std::vector<std::string> files, std::string description, InputProblems& problems,
                     const ServerLogSettings& settings,
                     std::unique_ptr<InputStream> first_opened = nullptr);

  Result<std::optional<Event>> next() override;
  const InputAccounting& accounting() const override { return accounting_; }
  const InputProblems& problems() const override { return problems_; }
  std::string description() const override { return description_; }
  std::optional<ReadProgress> read_progress() const override { return files_.read_progress(); }

  // The timestamp of the first readable record of `file`, for ordering rotated files; nullopt
  // when it has none.
  static std::optional<std::int64_t> first_timestamp(const std::string& file, const LogTimeZone& zone);

 private:
  void read_line(const std::string& line);

  FileSequence files_;
  std::string description_;
  InputProblems& problems_;
  InputAccounting accounting_;
  LogEventAssembler assembler_;
  std::string line_;
  nlohmann::json object_;  // the current line, parsed; the record handed to the assembler borrows it
  std::uint64_t line_number_ = 0;
  bool input_ended_ = false;
};

}  // namespace pgshadow::capture
