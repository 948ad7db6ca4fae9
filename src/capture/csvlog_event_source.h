#pragma once
// Events from PostgreSQL csvlog files. Several files are one log cut by rotation: they are read
// one after the other through one assembler, so a statement logged in one file and its error or
// duration logged in the next still make one event. Not thread-safe; borrows the problem sink.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "csv_record_reader.h"
#include "file_sequence.h"
#include "log_event_assembler.h"
#include "pgshadow/capture/event_source.h"

namespace pgshadow::capture {

class CsvlogEventSource final : public EventSource {
 public:
  // `files` in reading order (oldest first), as the user named them ("-": standard input, then
  // given already opened as `first_opened`).
  CsvlogEventSource(std::vector<std::string> files, std::string description, InputProblems& problems,
                    const ServerLogSettings& settings, std::unique_ptr<InputStream> first_opened = nullptr);

  Result<std::optional<Event>> next() override;
  const InputAccounting& accounting() const override { return accounting_; }
  const InputProblems& problems() const override { return problems_; }
  std::string description() const override { return description_; }
  std::optional<ReadProgress> read_progress() const override { return files_.read_progress(); }

  // The log_time of the first well-formed record of `file`, for ordering rotated files; nullopt
  // when it has none or cannot be read.
  static std::optional<std::int64_t> first_timestamp(const std::string& file, const LogTimeZone& zone);

  // The message for a record of `columns` columns, which no PostgreSQL 9.0+ csvlog has: names
  // the server version whose layout it is when it is one.
  static std::string column_count_message(std::size_t columns);

 private:
  void read_one_record();

  FileSequence files_;
  std::string description_;
  InputProblems& problems_;
  InputAccounting accounting_;
  LogEventAssembler assembler_;
  std::unique_ptr<CsvRecordReader> reader_;  // null between files
  CsvRecord record_;
  bool input_ended_ = false;
};

}  // namespace pgshadow::capture
