#include "file_sequence.h"

#include <utility>

namespace pgshadow::capture {

FileSequence::FileSequence(std::vector<std::string> files, std::unique_ptr<InputStream> first_opened)
    : files_(std::move(files)), first_opened_(std::move(first_opened)) {}

Result<bool> FileSequence::open_next() {
  input_.reset();
  if (next_ == files_.size()) return false;
  const std::string& path = files_[next_++];
  current_name_ = display_name(path);
  if (first_opened_) {
    input_ = std::move(first_opened_);
    return true;
  }
  auto opened = InputStream::open(path);
  if (!opened) return opened.error();
  input_ = std::move(*opened);
  return true;
}

std::string FileSequence::display_name(const std::string& path) {
  return path == InputStream::kStandardInput ? "<stdin>" : path;
}

}  // namespace pgshadow::capture
