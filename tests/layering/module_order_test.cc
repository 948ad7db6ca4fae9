// The module order is written once, in README.md's Layout section, as chains such as
// `util → core → {sql, pg} → cli`: a module may use the modules before it in a chain (and itself),
// nothing else. This test reads the order from there and checks every #include "pgshadow/<m>/..."
// under include/ and src/, and every pgshadow_<m> a module's CMakeLists.txt links.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kSource = PGSHADOW_SOURCE_DIR;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Each chain as its levels: {"util"}, {"core"}, {"sql", "pg"}, ...
using Chain = std::vector<std::set<std::string>>;

std::vector<Chain> parse_order(const std::string& paragraph) {
  std::vector<Chain> chains;
  const std::regex quoted("`([^`]*→[^`]*)`");
  for (std::sregex_iterator it(paragraph.begin(), paragraph.end(), quoted), end; it != end; ++it) {
    Chain chain;
    const std::string text = (*it)[1].str();
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t arrow = text.find("→", start);
      if (arrow == std::string::npos) arrow = text.size();
      std::set<std::string> level;
      const std::regex name("[a-z_]+");
      const std::string part = text.substr(start, arrow - start);
      for (std::sregex_iterator n(part.begin(), part.end(), name), none; n != none; ++n) level.insert(n->str());
      if (!level.empty()) chain.push_back(level);
      start = arrow + std::string("→").size();
    }
    chains.push_back(chain);
  }
  return chains;
}

// The README paragraph that states the order.
std::string order_paragraph() {
  const std::string readme = read_text(kSource / "README.md");
  const std::size_t start = readme.find("Dependencies point one way:");
  if (start == std::string::npos) return "";
  const std::size_t end = readme.find("\n\n", start);
  return readme.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

class ModuleOrder {
 public:
  explicit ModuleOrder(std::vector<Chain> chains) : chains_(std::move(chains)) {}

  std::set<std::string> modules() const {
    std::set<std::string> all;
    for (const Chain& chain : chains_) {
      for (const auto& level : chain) all.insert(level.begin(), level.end());
    }
    return all;
  }

  // Whether module `user` may include or link module `used`.
  bool allows(const std::string& user, const std::string& used) const {
    if (user == used) return true;
    for (const Chain& chain : chains_) {
      std::optional<std::size_t> user_level;
      std::optional<std::size_t> used_level;
      for (std::size_t level = 0; level < chain.size(); ++level) {
        if (chain[level].count(user)) user_level = level;
        if (chain[level].count(used)) used_level = level;
      }
      if (user_level && used_level && *used_level < *user_level) return true;
    }
    return false;
  }

 private:
  std::vector<Chain> chains_;
};

// "FILE:LINE: MODULE may not use USED" for each include in `text` against the order.
std::vector<std::string> include_violations(const ModuleOrder& order, const std::string& module,
                                            const std::string& where, const std::string& text) {
  std::vector<std::string> found;
  const std::regex include(R"(^\s*#\s*include\s*"pgshadow/([a-z_]+)/)");
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    std::smatch match;
    if (!std::regex_search(line, match, include)) continue;
    if (!order.allows(module, match[1].str())) {
      found.push_back(where + ":" + std::to_string(number) + ": " + module + " may not include " + match[1].str() +
                      " (README.md, Layout: the module order)");
    }
  }
  return found;
}

ModuleOrder readme_order() { return ModuleOrder(parse_order(order_paragraph())); }

}  // namespace

TEST_CASE("README's Layout states one module order that names every module under src/") {
  const ModuleOrder order = readme_order();
  const std::set<std::string> named = order.modules();
  REQUIRE_FALSE(named.empty());
  for (const auto& entry : fs::directory_iterator(kSource / "src")) {
    if (!entry.is_directory()) continue;
    INFO("src/" << entry.path().filename().string() << " is not in README.md's module order");
    CHECK(named.count(entry.path().filename().string()) == 1);
  }
  CHECK(order.allows("replay", "pg"));
  CHECK_FALSE(order.allows("pg", "replay"));
  CHECK_FALSE(order.allows("capture", "pg"));  // side by side: neither uses the other
  CHECK_FALSE(order.allows("metrics", "http"));  // http is wired by the CLI
  CHECK(order.allows("cli", "http"));
}

TEST_CASE("an include against the module order is reported with its file and line") {
  const ModuleOrder order = readme_order();
  const auto found = include_violations(order, "pg", "src/pg/x.cc",
                                        "#include <string>\n#include \"pgshadow/sql/script.h\"\n"
                                        "#include \"pgshadow/replay/replay.h\"\n");
  REQUIRE(found.size() == 1);
  CHECK(found[0] == "src/pg/x.cc:3: pg may not include replay (README.md, Layout: the module order)");
}

TEST_CASE("every #include \"pgshadow/<module>/...\" under include/ and src/ follows the module order") {
  const ModuleOrder order = readme_order();
  std::vector<std::string> found;
  for (const fs::path& root : {kSource / "include" / "pgshadow", kSource / "src"}) {
    for (const auto& module_dir : fs::directory_iterator(root)) {
      if (!module_dir.is_directory()) continue;
      const std::string module = module_dir.path().filename().string();
      for (const auto& file : fs::recursive_directory_iterator(module_dir.path())) {
        const std::string extension = file.path().extension().string();
        if (extension != ".h" && extension != ".cc") continue;
        const auto more = include_violations(order, module, fs::relative(file.path(), kSource).string(),
                                             read_text(file.path()));
        found.insert(found.end(), more.begin(), more.end());
      }
    }
  }
  for (const std::string& violation : found) UNSCOPED_INFO(violation);
  CHECK(found.empty());
}

TEST_CASE("every module links only the modules before it in the order") {
  const ModuleOrder order = readme_order();
  const std::set<std::string> modules = order.modules();
  const std::regex linked(R"(pgshadow_([a-z]+))");
  std::vector<std::string> found;
  for (const auto& module_dir : fs::directory_iterator(kSource / "src")) {
    const fs::path cmake = module_dir.path() / "CMakeLists.txt";
    if (!fs::exists(cmake)) continue;
    const std::string module = module_dir.path().filename().string();
    const std::string text = read_text(cmake);
    for (std::size_t at = text.find("target_link_libraries"); at != std::string::npos;
         at = text.find("target_link_libraries", at + 1)) {
      const std::string call = text.substr(at, text.find(')', at) - at);
      for (std::sregex_iterator it(call.begin(), call.end(), linked), end; it != end; ++it) {
        const std::string used = (*it)[1].str();
        if (modules.count(used) == 0 || order.allows(module, used)) continue;
        found.push_back("src/" + module + "/CMakeLists.txt: " + module + " may not link pgshadow_" + used);
      }
    }
  }
  for (const std::string& violation : found) UNSCOPED_INFO(violation);
  CHECK(found.empty());
}
