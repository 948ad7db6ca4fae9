#include "run_support.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace pgshadow::e2e {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TempDir::TempDir() {
  std::string pattern = std::filesystem::temp_directory_path().string() + "/pgshadow-e2e-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void TempDir::write(const std::string& name, const std::string& contents) const {
  std::filesystem::create_directories(std::filesystem::path(file(name)).parent_path());
  std::ofstream(file(name), std::ios::binary) << contents;
}

RunOutput run_pgshadow(const std::vector<std::string>& arguments) {
  TempDir outputs;
  const std::string out_file = outputs.file("stdout");
  const std::string err_file = outputs.file("stderr");
  const pid_t child = fork();
  if (child == 0) {
    const int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    std::vector<char*> argv;
    // PGSHADOW_BINARY: another build of pgshadow (an installed one, a copy kept while this
    // tree is rebuilt) under the same tests.
    const char* other_binary = std::getenv("PGSHADOW_BINARY");
    std::string binary = other_binary != nullptr ? other_binary : PGSHADOW_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copies = arguments;
    for (auto& argument : copies) argv.push_back(argument.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  RunOutput result;
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(out_file);
  result.err = read_file(err_file);
  return result;
}

bool valid_against_report_schema(const std::string& report_path) {
  const std::string schema = std::string(PGSHADOW_SOURCE_DIR) + "/docs/report.schema.json";
  const std::string command = "/usr/bin/python3 -c 'import json,sys,jsonschema; "
                              "jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' " +
                              report_path + " " + schema;
  return std::system(command.c_str()) == 0;
}

std::string capture_event(int second, const std::string& sql, const std::string& session) {
  return nlohmann::json{{"session", session},
                        {"user", "app"},
                        {"database", "app"},
                        {"application", "test"},
                        {"start", "2026-11-23T10:00:0" + std::to_string(second) + ".000000Z"},
                        {"sql", sql},
                        {"protocol", "simple"},
                        {"parameters", nlohmann::json::array()},
                        {"outcome", {{"ok", true}}}}
      .dump();
}

}  // namespace pgshadow::e2e
