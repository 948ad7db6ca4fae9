#include "path_arguments.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace pgshadow::cli {
namespace {

namespace fs = std::filesystem;

std::string kind_of(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISDIR(mode)) return "a directory";
  return "not a plain file";
}

Error bad(std::string_view flag, const std::string& path, const std::string& reason) {
  return Error::bad_input(std::string(flag) + " " + path + ": " + reason);
}

bool is_stream(mode_t mode) { return S_ISFIFO(mode) || S_ISCHR(mode) || S_ISSOCK(mode); }

}  // namespace

bool names_stream(const std::string& path) {
  if (path == "-") return true;
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && is_stream(info.st_mode);
}

Status check_input_path(std::string_view flag, const std::string& path, PathUse use) {
  if (path == "-") {
    if (use == PathUse::kFileOrStream) return Status::success();
    return bad(flag, path, use == PathUse::kDirectory ? "not a directory" : "standard input cannot be read by name");
  }
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return Status::success();  // the caller says "not found" in its words
    return bad(flag, path, std::strerror(errno));
  }
  switch (use) {
    case PathUse::kDirectory:
      if (!S_ISDIR(info.st_mode)) return bad(flag, path, "not a directory");
      if (access(path.c_str(), R_OK | X_OK) != 0) return bad(flag, path, std::strerror(errno));
      return Status::success();
    case PathUse::kFile:
      if (S_ISDIR(info.st_mode)) return bad(flag, path, "is a directory");
      if (!S_ISREG(info.st_mode)) return bad(flag, path, "not a regular file (" + kind_of(info.st_mode) + ")");
      break;
    case PathUse::kFileOrStream:
      if (S_ISDIR(info.st_mode)) return bad(flag, path, "is a directory");
      if (!S_ISREG(info.st_mode) && !is_stream(info.st_mode)) return bad(flag, path, kind_of(info.st_mode));
      break;
  }
  if (access(path.c_str(), R_OK) != 0) return bad(flag, path, std::strerror(errno));
  return Status::success();
}

Result<std::string> read_input_once(std::string_view flag, const std::string& path) {
  if (Status checked = check_input_path(flag, path, PathUse::kFileOrStream); !checked) return checked.error();
  const int fd = path == "-" ? dup(STDIN_FILENO) : open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return bad(flag, path, std::strerror(errno));
  std::string text;
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int error = errno;
      close(fd);
      return bad(flag, path, std::strerror(error));
    }
    if (got == 0) break;
    text.append(buffer, static_cast<std::size_t>(got));
  }
  close(fd);
  return text;
}

std::vector<FileIdentity> identities_of(const std::string& path) {
  std::vector<FileIdentity> identities;
  const auto add = [&](const std::string& file) {
    struct stat info {};
    if (stat(file.c_str(), &info) == 0) identities.push_back({info.st_dev, info.st_ino, path});
  };
  struct stat info {};
  if (path == "-") return identities;
  if (stat(path.c_str(), &info) != 0) {
    // Not a file: perhaps a glob of rotated files.
    glob_t matches{};
    if (glob(path.c_str(), 0, nullptr, &matches) == 0) {
      for (std::size_t i = 0; i < matches.gl_pathc; ++i) add(matches.gl_pathv[i]);
    }
    globfree(&matches);
    return identities;
  }
  identities.push_back({info.st_dev, info.st_ino, path});
  if (S_ISDIR(info.st_mode)) {
    std::error_code ignored;
    for (const auto& entry : fs::directory_iterator(path, ignored)) add(entry.path().string());
  }
  return identities;
}

Result<std::vector<std::string>> sql_files_in(std::string_view flag, const std::string& directory) {
  std::error_code error;
  std::vector<std::string> files;
  for (fs::directory_iterator entry(directory, error), end; !error && entry != end; entry.increment(error)) {
    std::error_code ignored;
    if (entry->path().extension() == ".sql" && !entry->is_directory(ignored)) files.push_back(entry->path().string());
  }
  if (error) return bad(flag, directory, error.message());
  if (files.empty()) return bad(flag, directory, "no .sql file in the directory");
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace pgshadow::cli
