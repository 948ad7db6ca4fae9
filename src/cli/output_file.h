#pragma once
// A file the run writes (a report, a capture), checked before anything runs and put in place
// only when complete.
//
// A regular file is written to a temporary file beside it and renamed over it once every byte
// is on disk, so a failed or interrupted run leaves the previous file (or none) where the output
// was expected: never a truncated one, never an empty one. A stream (a character device such as
// /dev/null, a FIFO with a reader, anything under /dev or /proc) is written directly. An output
// that is one of the run's inputs (same device and inode) is refused before the run: writing it
// would destroy what the run reads. "-" is standard output, written directly like a stream.
// Not thread-safe; movable.
#include <memory>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include "path_arguments.h"
#include "pgshadow/util/result.h"

namespace pgshadow::cli {

// An output stream over a file descriptor that remembers why its first write failed (errno),
// which std::ofstream does not keep. Owns the descriptor.
class DescriptorBuffer final : public std::streambuf {
 public:
  explicit DescriptorBuffer(int fd) : fd_(fd) { setp(buffer_, buffer_ + sizeof buffer_); }
  ~DescriptorBuffer() override;
  DescriptorBuffer(const DescriptorBuffer&) = delete;
  DescriptorBuffer& operator=(const DescriptorBuffer&) = delete;
  // Flushes and closes; the errno of the first failure, 0 when every byte was written.
  int finish();

 protected:
  int_type overflow(int_type c) override;
  int sync() override;

 private:
  bool drain();
  int fd_;
  int error_ = 0;
  char buffer_[64 * 1024];
};

class OutputFile {
 public:
  // kBadInput "FLAG PATH: is a directory", ": a FIFO with no reader", ": is also an input
  // (INPUT)", or the system's reason the file or its directory cannot be written.
  static Result<OutputFile> prepare(std::string_view flag, std::string path,
                                    const std::vector<FileIdentity>& inputs);

  OutputFile(OutputFile&&) noexcept;
  OutputFile& operator=(OutputFile&&) noexcept;
  ~OutputFile();  // an output opened and not committed is removed (its temporary file)

  const std::string& path() const { return path_; }
  bool is_standard_output() const { return path_ == "-"; }

  // Starts writing. kInfrastructure naming the file when the temporary file cannot be made.
  Result<std::ostream*> open();
  // Puts what was written in place. kInfrastructure naming the file and the reason (a write
  // error, the disk full): the temporary file is then removed and the target left untouched.
  Status commit();
  // open(), the text, commit().
  Status write(std::string_view text);

 private:
  OutputFile() = default;
  void discard();
  std::string target() const;  // for messages: the path, or "to standard output"

  std::string flag_;
  std::string path_;
  bool direct_ = false;      // a stream: written in place
  int held_fd_ = -1;         // a FIFO's write end, held from prepare() so its reader stays
  std::string temporary_;    // regular files: written here, renamed to path_ on commit
  std::unique_ptr<DescriptorBuffer> buffer_;
  std::unique_ptr<std::ostream> stream_;
};

}  // namespace pgshadow::cli
