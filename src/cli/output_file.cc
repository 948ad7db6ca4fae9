#include "output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace pgshadow::cli {
namespace {

namespace fs = std::filesystem;

std::string directory_of(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

bool is_special_path(const std::string& path) {
  return path.starts_with("/dev/") || path.starts_with("/proc/");
}

// The mode a new file gets from open(2): 0666 less the umask (read without changing it).
mode_t default_file_mode() {
  const mode_t mask = umask(0);
  umask(mask);
  return 0666 & ~mask;
}

}  // namespace

Result<OutputFile> OutputFile::prepare(std::string_view flag, std::string path,
                                       const std::vector<FileIdentity>& inputs) {
  OutputFile output;
  output.flag_ = std::string(flag);
  output.path_ = std::move(path);
  const auto bad = [&](const std::string& reason) {
    return Error::bad_input(output.flag_ + " " + output.path_ + ": " + reason);
  };
  struct stat info {};
  const bool exists = stat(output.path_.c_str(), &info) == 0;
  if (!exists && errno != ENOENT) return bad(std::strerror(errno));
  if (exists) {
    if (S_ISDIR(info.st_mode)) return bad("is a directory");
    const FileIdentity identity{info.st_dev, info.st_ino, ""};
    if (S_ISREG(info.st_mode)) {
      const auto input = std::find(inputs.begin(), inputs.end(), identity);
      if (input != inputs.end()) return bad("is also an input (" + input->named_as + "): refusing to overwrite it");
    }
    if (S_ISFIFO(info.st_mode)) {
      // Opening a FIFO for writing waits for a reader: ask without waiting, and hold it open so
      // that the reader stays until the output is written.
      output.held_fd_ = ::open(output.path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (output.held_fd_ < 0) return bad(errno == ENXIO ? "a FIFO with no reader" : std::strerror(errno));
      output.direct_ = true;
      return output;
    }
    if (!S_ISREG(info.st_mode) || is_special_path(output.path_)) {
      if (access(output.path_.c_str(), W_OK) != 0) return bad(std::strerror(errno));
      output.direct_ = true;
      return output;
    }
    if (access(output.path_.c_str(), W_OK) != 0) return bad(std::strerror(errno));
  }
  // The temporary file goes beside the target (rename does not cross file systems).
  const std::string directory = directory_of(output.path_);
  if (access(directory.c_str(), W_OK | X_OK) != 0) return bad(std::strerror(errno));
  return output;
}

OutputFile::OutputFile(OutputFile&& other) noexcept { *this = std::move(other); }

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept {
  if (this == &other) return *this;
  discard();
  flag_ = std::move(other.flag_);
  path_ = std::move(other.path_);
  direct_ = other.direct_;
  held_fd_ = std::exchange(other.held_fd_, -1);
  temporary_ = std::move(other.temporary_);
  other.temporary_.clear();
  stream_ = std::move(other.stream_);
  return *this;
}

OutputFile::~OutputFile() { discard(); }

void OutputFile::discard() {
  stream_.reset();
  if (!temporary_.empty()) ::unlink(temporary_.c_str());
  temporary_.clear();
  if (held_fd_ >= 0) ::close(held_fd_);
  held_fd_ = -1;
}

Result<std::ostream*> OutputFile::open() {
  const auto failed = [&](const std::string& reason) {
    return Error::infrastructure("cannot write " + path_ + " (" + flag_ + "): " + reason);
  };
  if (!direct_) {
    const fs::path target(path_);
    std::string pattern = (fs::path(directory_of(path_)) / ("." + target.filename().string() + ".pgshadow-XXXXXX")).string();
    const int fd = mkstemp(pattern.data());
    if (fd < 0) return failed(std::strerror(errno));
    ::close(fd);
    temporary_ = pattern;
  }
  stream_ = std::make_unique<std::ofstream>(direct_ ? path_ : temporary_, std::ios::binary | std::ios::trunc);
  if (!*stream_) return failed(std::strerror(errno));
  if (held_fd_ >= 0) {  // the stream has its own descriptor on the FIFO now
    ::close(held_fd_);
    held_fd_ = -1;
  }
  return stream_.get();
}

Status OutputFile::commit() {
  const auto failed = [&](const std::string& reason) {
    const Error error = Error::infrastructure("cannot write " + path_ + " (" + flag_ + "): " + reason);
    discard();
    return error;
  };
  if (!stream_) return failed("not opened");
  errno = 0;
  stream_->flush();
  if (!*stream_) return failed(errno != 0 ? std::strerror(errno) : "write error");
  stream_->close();
  if (!*stream_) return failed(errno != 0 ? std::strerror(errno) : "write error");
  stream_.reset();
  if (direct_) return Status::success();
  struct stat existing {};
  const mode_t mode = stat(path_.c_str(), &existing) == 0 ? (existing.st_mode & 07777) : default_file_mode();
  if (chmod(temporary_.c_str(), mode) != 0 || rename(temporary_.c_str(), path_.c_str()) != 0) {
    return failed(std::strerror(errno));
  }
  temporary_.clear();
  return Status::success();
}

Status OutputFile::write(std::string_view text) {
  auto out = open();
  if (!out) return out.error();
  (*out)->write(text.data(), static_cast<std::streamsize>(text.size()));
  return commit();
}

}  // namespace pgshadow::cli
