#include "csvlog_event_source.h"

#include <cerrno>
#include <cstring>
#include <utility>

#include "csvlog_record.h"
#include "timestamp.h"

namespace pgshadow::capture {

CsvlogEventSource::CsvlogEventSource(std::vector<std::string> files, std::string description,
                                     InputProblems& problems)
    : files_(std::move(files)),
      description_(std::move(description)),
      problems_(problems),
      assembler_(problems, accounting_) {}

Result<std::optional<Event>> CsvlogEventSource::next() {
  for (;;) {
    if (std::optional<Event> event = assembler_.pop_finished()) {
      ++accounting_.events;
      return event;
    }
    if (input_ended_) return std::optional<Event>{};
    if (!reader_) {
      if (next_file_ == files_.size()) {
        assembler_.finish_all();
        input_ended_ = true;
        continue;
      }
      if (Status opened = open_next_file(); !opened) return opened.error();
    }
    read_one_record();
    if (stream_.bad()) return Error::bad_input("cannot read " + files_[next_file_ - 1] + ": I/O error");
  }
}

Status CsvlogEventSource::open_next_file() {
  const std::string& file = files_[next_file_++];
  stream_.close();
  stream_.clear();
  stream_.open(file, std::ios::binary);
  if (!stream_) return Error::bad_input("cannot open " + file + ": " + std::strerror(errno));
  reader_ = std::make_unique<CsvRecordReader>(stream_, file, problems_);
  return Status::success();
}

void CsvlogEventSource::read_one_record() {
  switch (reader_->next(record_)) {
    case CsvRecordReader::Status::kEnd:
      reader_.reset();
      return;
    case CsvRecordReader::Status::kMalformed:
      ++accounting_.lines_read;  // already reported by the reader
      return;
    case CsvRecordReader::Status::kRecord:
      break;
  }
  ++accounting_.lines_read;
  const SourceLocation where{files_[next_file_ - 1], record_.first_line};
  if (!CsvlogRecord::has_valid_column_count(record_.fields.size())) {
    problems_.report(where, "wrong number of columns",
                     std::to_string(record_.fields.size()) +
                         " columns; a PostgreSQL csvlog record has 23 to 26");
    return;
  }
  assembler_.add(CsvlogRecord(record_.fields), where);
}

std::optional<std::int64_t> CsvlogEventSource::first_timestamp(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  InputProblems ignored;  // reported when the file is really read
  CsvRecordReader reader(in, file, ignored);
  CsvRecord record;
  for (;;) {
    const auto status = reader.next(record);
    if (status == CsvRecordReader::Status::kEnd) return std::nullopt;
    if (status != CsvRecordReader::Status::kRecord ||
        !CsvlogRecord::has_valid_column_count(record.fields.size())) {
      continue;
    }
    if (auto time = parse_log_time(CsvlogRecord(record.fields).log_time())) return *time;
  }
}

}  // namespace pgshadow::capture
