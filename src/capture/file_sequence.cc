#include "file_sequence.h"

#include <algorithm>
#include <filesystem>
#include <utility>

namespace pgshadow::capture {

FileSequence::FileSequence(std::vector<std::string> files, std::unique_ptr<InputStream> first_opened)
    : files_(std::move(files)), first_opened_(std::move(first_opened)) {
  for (const std::string& path : files_) {
    std::error_code error;
    const auto size = path == InputStream::kStandardInput ? 0 : std::filesystem::file_size(path, error);
    if (path == InputStream::kStandardInput || error) {
      sizes_.clear();
      return;
    }
    sizes_.push_back(size);
  }
}

std::optional<ReadProgress> FileSequence::read_progress() const {
  if (sizes_.size() != files_.size() || files_.empty()) return std::nullopt;
  ReadProgress progress;
  for (std::uint64_t size : sizes_) progress.bytes_total += size;
  progress.bytes_read = bytes_of_closed_files_ + (input_ ? input_->file_bytes_read() : 0);
  progress.bytes_read = std::min(progress.bytes_read, progress.bytes_total);
  return progress;
}

void FileSequence::close() {
  if (input_ && next_ > 0 && next_ <= sizes_.size()) bytes_of_closed_files_ += sizes_[next_ - 1];
  input_.reset();
}

Result<bool> FileSequence::open_next() {
  close();
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
