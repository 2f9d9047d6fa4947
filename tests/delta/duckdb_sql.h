#pragma once
// DuckDB as the delta tests' second reader: run one SQL query (tests/delta/duckdb_sql.mjs), or
// another node script of the tests, and get what it prints as JSON. nullopt when the npm test tools
// are not installed (scripts/bootstrap.sh installs them), so a test can skip its DuckDB half with a
// message.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace lakestream {

/// Run `script` (a path under tests/) with node from tests/tools, the environment variable
/// `name` set to `value`, and parse what it prints as JSON (EXPECTs a zero exit and valid
/// JSON). nullopt when the npm test tools are not installed.
inline std::optional<nlohmann::json> run_node_json(const std::string& script,
                                                   const std::string& name,
                                                   const std::string& value) {
  const std::string tools = std::string(LAKESTREAM_SOURCE_DIR) + "/tests/tools";
  if (!std::filesystem::exists(tools + "/node_modules/@duckdb/node-api")) return std::nullopt;
  std::string quoted;  // for a single-quoted shell word
  for (char c : value) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  const std::string cmd = "cd '" + tools + "' && " + name + "='" + quoted +
                          "' node --input-type=module < '" + LAKESTREAM_SOURCE_DIR + "/tests/" +
                          script + "'";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  if (!pipe) return nlohmann::json();
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int rc = ::pclose(pipe);
  EXPECT_EQ(rc, 0) << out;
  auto parsed = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(parsed.is_discarded()) << out;
  return parsed;
}

/// The rows of `sql` as a JSON array of objects (DuckDB's JSON rendering: BIGINT as strings).
inline std::optional<nlohmann::json> duckdb_sql(const std::string& sql) {
  auto rows = run_node_json("delta/duckdb_sql.mjs", "DUCKDB_SQL", sql);
  if (rows) {
    EXPECT_TRUE(rows->is_array()) << rows->dump();
  }
  return rows;
}

/// A JSON value DuckDB printed as a number or as a string of digits, as int64.
inline int64_t duckdb_int(const nlohmann::json& v) {
  if (v.is_string()) return std::stoll(v.get<std::string>());
  return v.get<int64_t>();
}

}  // namespace lakestream
