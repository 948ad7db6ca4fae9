#pragma once
// Events from PostgreSQL csvlog files. Several files are one log cut by rotation: they are read
// one after the other through one assembler, so a statement logged in one file and its error or
// duration logged in the next still make one event. Not thread-safe; borrows the problem sink.
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "csv_record_reader.h"
#include "csvlog_event_assembler.h"
#include "pgshadow/capture/event_source.h"

namespace pgshadow::capture {

class CsvlogEventSource final : public EventSource {
 public:
  // `files` in reading order (oldest first), as the user named them.
  CsvlogEventSource(std::vector<std::string> files, std::string description, InputProblems& problems);

  Result<std::optional<Event>> next() override;
  const InputAccounting& accounting() const override { return accounting_; }
  const InputProblems& problems() const override { return problems_; }
  std::string description() const override { return description_; }

  // The log_time of the first well-formed record of `file`, for ordering rotated files; nullopt
  // when it has none or cannot be read.
  static std::optional<std::int64_t> first_timestamp(const std::string& file);

 private:
  Status open_next_file();
  void read_one_record();

  std::vector<std::string> files_;
  std::size_t next_file_ = 0;
  std::string description_;
  InputProblems& problems_;
  InputAccounting accounting_;
  CsvlogEventAssembler assembler_;
  std::ifstream stream_;
  std::unique_ptr<CsvRecordReader> reader_;  // null between files
  CsvRecord record_;
  bool input_ended_ = false;
};

}  // namespace pgshadow::capture
