#pragma once
// Events from canonical capture files (JSON Lines, docs/capture-format.md). Several files are
// read one after the other. A line that is not a valid event is reported with file:line and
// skipped; a missing header or a version this build does not know stops the read with an Error.
// Not thread-safe; borrows the problem sink.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "file_sequence.h"
#include "jsonl_event_codec.h"
#include "pgshadow/capture/event_source.h"

namespace pgshadow::capture {

class JsonlEventSource final : public EventSource {
 public:
  // `first_opened`: files[0] already opened (standard input), as for FileSequence.
  JsonlEventSource(std::vector<std::string> files, std::string description, InputProblems& problems,
                   std::unique_ptr<InputStream> first_opened = nullptr);

  Result<std::optional<Event>> next() override;
  const InputAccounting& accounting() const override { return accounting_; }
  const InputProblems& problems() const override { return problems_; }
  std::string description() const override { return description_; }
  std::optional<ReadProgress> read_progress() const override { return files_.read_progress(); }

  // The start of the first event of `file`, for ordering files; nullopt when there is none.
  static std::optional<std::int64_t> first_timestamp(const std::string& file);

 private:
  // One line: an event, nothing (a header, a blank or a reported bad line), or a fatal Error.
  Result<std::optional<Event>> read_line(std::string& line);
  SourceLocation here() const { return {files_.file(), line_number_}; }

  FileSequence files_;
  std::string description_;
  InputProblems& problems_;
  InputAccounting accounting_;
  JsonlLineDecoder decoder_;
  std::string line_;
  bool header_seen_ = false;
  std::uint64_t line_number_ = 0;
};

}  // namespace pgshadow::capture
