#pragma once
// What a path argument may name, checked before anything runs, and inputs read exactly once.
//
// Every path flag says which kinds it takes: a regular file, a directory, or a stream (a FIFO,
// a character device such as /dev/null, standard input as "-"), which can be read only once.
// A path of another kind, or one that cannot be read, is bad input with one message shape,
// "FLAG PATH: REASON" ("--baseline /tmp: is a directory"). A missing path is left to the
// caller, whose "not found" messages predate these checks.
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "pgshadow/util/result.h"

namespace pgshadow::cli {

enum class PathUse {
  kFile,           // a regular file, read by name (possibly by another program, or twice)
  kFileOrStream,   // a regular file or a stream, read once
  kDirectory,      // a directory
};

// kBadInput "FLAG PATH: is a directory", ": not a regular file (a FIFO)", ": not a directory",
// or the system's reason it cannot be read ("Permission denied"). Success for a missing path.
Status check_input_path(std::string_view flag, const std::string& path, PathUse use);

// The whole content of a regular file or a stream ("-" is standard input), read once.
// kBadInput naming the flag and the path (a directory, unreadable, a read error).
Result<std::string> read_input_once(std::string_view flag, const std::string& path);

// Whether the path names a stream (FIFO, socket, character device, or "-"): read once, no
// digest, no reopening.
bool names_stream(const std::string& path);

// The (device, inode) of an existing file; for a directory, of every file directly in it.
// What an output must not be (it would overwrite an input). Missing paths give nothing.
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  std::string named_as;  // the input as the user named it, for messages
  friend bool operator==(const FileIdentity& a, const FileIdentity& b) {
    return a.device == b.device && a.inode == b.inode;
  }
};
std::vector<FileIdentity> identities_of(const std::string& path);

// The .sql files directly in a directory, in name order, as migrations/ of a scenario is read.
// kBadInput when the directory cannot be listed or holds no .sql file.
Result<std::vector<std::string>> sql_files_in(std::string_view flag, const std::string& directory);

}  // namespace pgshadow::cli
