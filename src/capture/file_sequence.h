#pragma once
// The files of one input, read one after the other: a log cut by rotation, oldest first. Opens
// each file when the previous one is done (plain, compressed or standard input: InputStream), so one
// file is open at a time. Not thread-safe.
#include <cstddef>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "input_stream.h"
#include "pgshadow/capture/event_source.h"
#include "pgshadow/util/result.h"

namespace pgshadow::capture {

class FileSequence {
 public:
  // `first_opened`, when given, is files[0] already opened (standard input whose first line was
  // looked at to tell its format).
  explicit FileSequence(std::vector<std::string> files,
                        std::unique_ptr<InputStream> first_opened = nullptr);

  // Opens the next file: false when there is none left; an Error when it cannot be opened.
  Result<bool> open_next();
  // The open file's stream; only between a successful open_next() and close().
  std::istream& stream() { return input_->stream(); }
  void close();
  bool is_open() const { return input_ != nullptr; }
  // The current (or last) file as problems and errors name it: its path, "<stdin>" for "-".
  const std::string& file() const { return current_name_; }

  static std::string display_name(const std::string& path);

  // Bytes read of all the files together; nullopt when one is standard input.
  std::optional<ReadProgress> read_progress() const;

 private:
  std::vector<std::string> files_;
  std::size_t next_ = 0;
  std::unique_ptr<InputStream> first_opened_;
  std::unique_ptr<InputStream> input_;
  std::string current_name_;
  std::vector<std::uint64_t> sizes_;  // of files_, when every one is a file
  std::uint64_t bytes_of_closed_files_ = 0;
};

}  // namespace pgshadow::capture
