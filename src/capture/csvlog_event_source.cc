#include "csvlog_event_source.h"

#include <utility>

#include "log_record.h"

namespace pgshadow::capture {
namespace {

// The csvlog columns are fixed by the server (PostgreSQL 15: 26; 13: 24; 12 and older: 23 —
// later versions only append).
constexpr std::size_t kMinColumns = 23;  // up to application_name
constexpr std::size_t kMaxColumns = 26;  // + backend_type, leader_pid, query_id

bool has_valid_column_count(std::size_t n) { return n >= kMinColumns && n <= kMaxColumns; }

// Precondition: has_valid_column_count(fields.size()). The record borrows from `fields`.
LogRecord log_record_of(const std::vector<std::string>& fields) {
  LogRecord record;
  record.log_time = fields[0];
  record.user_name = fields[1];
  record.database_name = fields[2];
  record.session_id = fields[5];
  record.command_tag = fields[7];
  record.error_severity = fields[11];
  record.sql_state_code = fields[12];
  record.message = fields[13];
  record.detail = fields[14];
  record.context = fields[18];
  record.query = fields[19];
  record.application_name = fields[22];
  return record;
}

}  // namespace

CsvlogEventSource::CsvlogEventSource(std::vector<std::string> files, std::string description,
                                     InputProblems& problems, const ServerLogSettings& settings,
                                     std::unique_ptr<InputStream> first_opened)
    : files_(std::move(files), std::move(first_opened)),
      description_(std::move(description)),
      problems_(problems),
      assembler_(problems, accounting_, settings) {}

std::string CsvlogEventSource::column_count_message(std::size_t columns) {
  std::string text = std::to_string(columns) + " columns; a PostgreSQL csvlog record has 23 to 26";
  if (columns == 22) {
    text += " (22 is the layout of PostgreSQL 8.4, before application_name: pgshadow reads the csvlog of "
            "PostgreSQL 9.0 and later)";
  }
  return text;
}

Result<std::optional<Event>> CsvlogEventSource::next() {
  for (;;) {
    if (std::optional<Event> event = assembler_.pop_finished()) {
      ++accounting_.events;
      return event;
    }
    if (input_ended_) return std::optional<Event>{};
    if (!reader_) {
      auto opened = files_.open_next();
      if (!opened) return opened.error();
      if (!*opened) {
        assembler_.finish_all();
        input_ended_ = true;
        continue;
      }
      reader_ = std::make_unique<CsvRecordReader>(files_.stream(), files_.file(), problems_);
    }
    try {
      read_one_record();
    } catch (...) {
      return read_error(files_.file());
    }
  }
}

void CsvlogEventSource::read_one_record() {
  switch (reader_->next(record_)) {
    case CsvRecordReader::Status::kEnd:
      reader_.reset();
      files_.close();
      return;
    case CsvRecordReader::Status::kMalformed:
      ++accounting_.lines_read;  // already reported by the reader
      return;
    case CsvRecordReader::Status::kRecord:
      break;
  }
  ++accounting_.lines_read;
  const SourceLocation where{files_.file(), record_.first_line};
  if (!has_valid_column_count(record_.fields.size())) {
    problems_.report(where, "wrong number of columns", column_count_message(record_.fields.size()));
    // A statement record of PostgreSQL 8.4's layout (its first 22 columns are 9.0's) is a lost
    // statement, weighed by the capture quality check.
    const auto is_statement = [](const std::string& message) {
      return message.starts_with("statement: ") || message.starts_with("execute ") ||
             message.starts_with("duration: ");
    };
    if (record_.fields.size() == 22 && is_statement(record_.fields[13])) {
      accounting_.add_unusable_statement(where, "wrong number of columns", column_count_message(22));
    }
    return;
  }
  assembler_.add(log_record_of(record_.fields), where);
}

std::optional<std::int64_t> CsvlogEventSource::first_timestamp(const std::string& file, const LogTimeZone& zone) {
  LogTimeReader times(zone);
  auto in = InputStream::open(file);
  if (!in) return std::nullopt;
  InputProblems ignored;  // reported when the file is really read
  CsvRecordReader reader((*in)->stream(), file, ignored);
  CsvRecord record;
  for (;;) {
    CsvRecordReader::Status status;
    try {
      status = reader.next(record);
    } catch (...) {
      return std::nullopt;  // a read error is reported when the file is really read
    }
    if (status == CsvRecordReader::Status::kEnd) return std::nullopt;
    if (status != CsvRecordReader::Status::kRecord ||
        !has_valid_column_count(record.fields.size())) {
      continue;
    }
    if (auto time = times.read(log_record_of(record.fields).log_time)) return *time;
  }
}

}  // namespace pgshadow::capture
