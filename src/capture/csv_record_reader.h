#pragma once
// A streaming reader of CSV records as PostgreSQL's csvlog writes them: fields separated by
// commas, a field optionally enclosed in double quotes, a quote inside a quoted field doubled,
// newlines allowed inside quoted fields, one record per (logical) line.
//
// Memory: one record at a time, and a record is cut off at max_record_bytes, so memory does not
// depend on the size of the file, not even when a quote is never closed.
// Not thread-safe. Borrows the stream and the problem sink; both must outlive the reader.
#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "pgshadow/util/input_problems.h"

namespace pgshadow::capture {

struct CsvRecord {
  std::vector<std::string> fields;
  std::uint64_t first_line = 0;  // physical line (1-based) on which the record starts
};

class CsvRecordReader {
 public:
  // Longer than any statement worth replaying; bounds memory when a quote is never closed.
  static constexpr std::size_t kDefaultMaxRecordBytes = std::size_t{256} << 20;

  enum class Status {
    kRecord,     // `record` holds a complete record
    kMalformed,  // one record could not be read; it was reported to problems
    kEnd,        // end of input
  };

  CsvRecordReader(std::istream& in, std::string file_name, InputProblems& problems,
                  std::size_t max_record_bytes = kDefaultMaxRecordBytes);

  Status next(CsvRecord& record);

 private:
  int get();
  int peek();
  void append(std::string& field, char c);

  std::streambuf& in_;
  std::string file_name_;
  InputProblems& problems_;
  std::size_t max_record_bytes_;
  std::uint64_t line_ = 1;  // physical line of the next character
  std::size_t record_bytes_ = 0;
  bool record_too_long_ = false;
};

}  // namespace pgshadow::capture
