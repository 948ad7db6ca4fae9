#include "output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

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

DescriptorBuffer::~DescriptorBuffer() {
  if (fd_ >= 0) ::close(fd_);
}

bool DescriptorBuffer::drain() {
  const char* next = pbase();
  while (next < pptr()) {
    const ssize_t written = ::write(fd_, next, static_cast<std::size_t>(pptr() - next));
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      if (error_ == 0) error_ = written < 0 ? errno : EIO;
      setp(buffer_, buffer_ + sizeof buffer_);
      return false;
    }
    next += written;
  }
  setp(buffer_, buffer_ + sizeof buffer_);
  return true;
}

DescriptorBuffer::int_type DescriptorBuffer::overflow(int_type c) {
  if (!drain()) return traits_type::eof();
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

int DescriptorBuffer::sync() { return drain() ? 0 : -1; }

int DescriptorBuffer::finish() {
  drain();
  if (fd_ >= 0 && ::close(fd_) != 0 && error_ == 0) error_ = errno;
  fd_ = -1;
  return error_;
}

Result<OutputFile> OutputFile::prepare(std::string_view flag, std::string path,
                                       const std::vector<FileIdentity>& inputs) {
  OutputFile output;
  output.flag_ = std::string(flag);
  output.path_ = std::move(path);
  const auto bad = [&](const std::string& reason) {
    return Error::bad_input(output.flag_ + " " + output.path_ + ": " + reason);
  };
  if (output.is_standard_output()) {
    output.direct_ = true;
    return output;
  }
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

std::string OutputFile::target() const { return is_standard_output() ? "to standard output" : path_; }

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
  buffer_ = std::move(other.buffer_);
  stream_ = std::move(other.stream_);
  return *this;
}

OutputFile::~OutputFile() { discard(); }

void OutputFile::discard() {
  stream_.reset();
  buffer_.reset();
  if (!temporary_.empty()) ::unlink(temporary_.c_str());
  temporary_.clear();
  if (held_fd_ >= 0) ::close(held_fd_);
  held_fd_ = -1;
}

Result<std::ostream*> OutputFile::open() {
  const auto failed = [&](const std::string& reason) {
    return Error::infrastructure("cannot write " + target() + " (" + flag_ + "): " + reason);
  };
  int fd = -1;
  if (held_fd_ >= 0) {  // a FIFO, opened when its reader was checked for
    fd = std::exchange(held_fd_, -1);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  } else if (is_standard_output()) {
    std::cout.flush();  // what was printed before comes first
    fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
  } else if (direct_) {
    fd = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
  } else {
    const fs::path target(path_);
    std::string pattern = (fs::path(directory_of(path_)) / ("." + target.filename().string() + ".pgshadow-XXXXXX")).string();
    fd = mkostemp(pattern.data(), O_CLOEXEC);
    if (fd >= 0) temporary_ = pattern;
  }
  if (fd < 0) return failed(std::strerror(errno));
  buffer_ = std::make_unique<DescriptorBuffer>(fd);
  stream_ = std::make_unique<std::ostream>(buffer_.get());
  return stream_.get();
}

Status OutputFile::commit() {
  const auto failed = [&](const std::string& reason) {
    const Error error = Error::infrastructure("cannot write " + target() + " (" + flag_ + "): " + reason);
    discard();
    return error;
  };
  if (!stream_) return failed("not opened");
  stream_->flush();
  const int error = buffer_->finish();
  stream_.reset();
  buffer_.reset();
  if (error != 0) return failed(std::strerror(error));
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
