#pragma once
// The external conformance corpus: Delta tables and Parquet files written by Spark, Databricks,
// delta-rs, parquet-mr and others (the team's `testdata` folder; its README lists each file).
// Where it is comes from LAKESTREAM_TEST_DATA: the environment variable when set at test time,
// else the CMake setting of the same name (default: ../shared/testdata beside the checkout when
// that folder exists). Without it, the tests that read it are reported skipped, saying why, and
// everything else runs: a clone anywhere passes `make test`.
//
//   class RealTables : public lakestream::testing::TestDataTest {};
//   TEST_F(RealTables, ...) { ... test_data_dir() + "/delta/simple_table" ... }

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace lakestream::testing {

/// The corpus folder, or "" when there is none.
inline std::string test_data_dir() {
  const char* env = std::getenv("LAKESTREAM_TEST_DATA");
  std::string dir = env != nullptr && *env != '\0' ? env : LAKESTREAM_TEST_DATA_DIR;
  std::error_code ec;
  if (dir.empty() || !std::filesystem::is_directory(dir, ec)) return {};
  return dir;
}

/// In a test body or SetUp: skip, saying why, when the corpus is missing.
#define LAKESTREAM_SKIP_WITHOUT_TEST_DATA()                                                   \
  if (::lakestream::testing::test_data_dir().empty())                                         \
  GTEST_SKIP() << "the conformance corpus is missing: set LAKESTREAM_TEST_DATA (environment " \
                  "or CMake) to the testdata folder"

/// A fixture whose tests need the corpus.
class TestDataTest : public ::testing::Test {
 protected:
  void SetUp() override { LAKESTREAM_SKIP_WITHOUT_TEST_DATA(); }
};

/// The same for parametrized tests.
template <typename T>
class TestDataTestWithParam : public ::testing::TestWithParam<T> {
 protected:
  void SetUp() override { LAKESTREAM_SKIP_WITHOUT_TEST_DATA(); }
};

}  // namespace lakestream::testing
