#include "csv_record_reader.h"

#include <string>

namespace pgshadow::capture {
namespace {
constexpr int kEof = std::char_traits<char>::eof();
}

CsvRecordReader::CsvRecordReader(std::istream& in, std::string file_name, InputProblems& problems,
                                 std::size_t max_record_bytes)
    : in_(*in.rdbuf()),
      file_name_(std::move(file_name)),
      problems_(problems),
      max_record_bytes_(max_record_bytes) {}

int CsvRecordReader::get() {
  const int c = in_.sbumpc();
  if (c == '\n') ++line_;
  return c;
}

int CsvRecordReader::peek() { return in_.sgetc(); }

void CsvRecordReader::append(std::string& field, char c) {
  if (++record_bytes_ > max_record_bytes_) {
    record_too_long_ = true;  // keep scanning to the end of the record, but stop storing it
    return;
  }
  field.push_back(c);
}

CsvRecordReader::Status CsvRecordReader::next(CsvRecord& record) {
  record.fields.clear();
  record.first_line = line_;
  record_bytes_ = 0;
  record_too_long_ = false;

  int c = get();
  if (c == kEof) return Status::kEnd;
  for (;;) {
    std::string& field = record.fields.emplace_back();
    if (c == '"') {
      for (;;) {
        c = get();
        if (c == kEof) {
          problems_.report({file_name_, record.first_line}, "unterminated quoted field",
                           "the record starting at line " + std::to_string(record.first_line) +
                               " ends inside a quoted field at the end of the file (line " +
                               std::to_string(line_) + "): the file is truncated");
          return Status::kMalformed;
        }
        if (c == '"') {
          if (peek() != '"') break;
          get();  // a doubled quote stands for one quote
        }
        append(field, static_cast<char>(c));
      }
      c = get();
    }
    // Unquoted text, or (leniently) text after a closing quote: up to the next delimiter.
    while (c != ',' && c != '\n' && c != kEof) {
      append(field, static_cast<char>(c));
      c = get();
    }
    if (c == ',') {
      c = get();
      continue;
    }
    break;  // '\n' or end of file: the record is complete
  }
  if (record_too_long_) {
    problems_.report({file_name_, record.first_line}, "record too long",
                     "the record starting at line " + std::to_string(record.first_line) +
                         " is longer than " + std::to_string(max_record_bytes_) + " bytes");
    return Status::kMalformed;
  }
  return Status::kRecord;
}

}  // namespace pgshadow::capture
