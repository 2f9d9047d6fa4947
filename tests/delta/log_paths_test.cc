// One file, however the log spells it: a relative path, an absolute path without a scheme,
// file:/abs and file:///abs are one file for the replay (an add in one form and a remove in
// another leave nothing live), and a scheme-less absolute path is not read as relative.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "lakestream/delta/snapshot.h"
#include "lakestream/storage/local_file_system.h"

namespace lakestream {
namespace {

namespace fs = std::filesystem;

TEST(ResolveLogPath, EverySpellingOfOneFileIsOneString) {
  const std::string table = "data/tables/t";
  const std::string want = "data/tables/t/p=1/a.parquet";
  for (const std::string& spelling :
       {std::string("p=1/a.parquet"), std::string("./p=1//a.parquet"),
        std::string("/data/tables/t/p=1/a.parquet"),
        std::string("file:/data/tables/t/p=1/a.parquet"),
        std::string("file:///data/tables/t/p=1/a.parquet"),
        std::string("file://localhost/data/tables/t/p=1/a.parquet")}) {
    auto resolved = resolve_log_path(table, spelling);
    ASSERT_TRUE(resolved.ok()) << spelling << ": " << resolved.status().to_string();
    EXPECT_EQ(*resolved, want) << spelling;
  }
  // A table path with a leading '/' keeps it, for every spelling.
  EXPECT_EQ(*resolve_log_path("/data/tables/t", "p=1/a.parquet"), "/" + want);
  EXPECT_EQ(*resolve_log_path("/data/tables/t", "file:///data/tables/t/p=1/a.parquet"), "/" + want);
  EXPECT_EQ(resolve_log_path(table, "s3://bucket/a.parquet").status().code(),
            StatusCode::kNotImplemented);
}

class LogPathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::weakly_canonical(fs::path(LAKESTREAM_BINARY_DIR) / "test_tmp" / "log_paths" /
                                info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "_delta_log");
  }
  void write_log(int version, const std::string& lines) {
    char name[32];
    std::snprintf(name, sizeof name, "%020d.json", version);
    std::ofstream(dir_ / "_delta_log" / name) << lines;
  }
  static std::string add(const std::string& path) {
    return "{\"add\":{\"path\":\"" + path +
           "\",\"partitionValues\":{},\"size\":1,\"modificationTime\":1,\"dataChange\":true}}\n";
  }
  static std::string remove(const std::string& path) {
    return "{\"remove\":{\"path\":\"" + path + "\",\"deletionTimestamp\":5,\"dataChange\":true}}\n";
  }
  Result<Snapshot> load() {
    return Snapshot::load(std::make_shared<LocalFileSystem>("/"), dir_.relative_path().string());
  }
  fs::path dir_;
};

constexpr const char* kHeader =
    "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
    "{\"metaData\":{\"id\":\"t\",\"format\":{\"provider\":\"parquet\",\"options\":{}},"
    "\"schemaString\":\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"id\\\","
    "\\\"type\\\":\\\"long\\\",\\\"nullable\\\":true,\\\"metadata\\\":{}}]}\","
    "\"partitionColumns\":[],\"configuration\":{}}}\n";

TEST_F(LogPathsTest, ARemoveInAnotherSpellingRemovesTheFile) {
  const std::string abs = dir_.string();
  write_log(0, std::string(kHeader) + add("a.parquet") + add("file://" + abs + "/b.parquet") +
                   add(abs + "/c.parquet") + add("file:" + abs + "/d%20e.parquet") +
                   add("keep.parquet"));
  write_log(1, remove("file://" + abs + "/a.parquet") + remove("b.parquet") +
                   remove("file:" + abs + "/c.parquet") + remove(abs + "/d%20e.parquet"));
  auto snap = load();
  ASSERT_TRUE(snap.ok()) << snap.status().to_string();
  ASSERT_EQ(snap->files().size(), 1u);
  EXPECT_EQ(snap->files()[0].path, (dir_ / "keep.parquet").relative_path().string());
  EXPECT_EQ(snap->tombstones().size(), 4u);
  // Version 0 has all five, the scheme-less absolute one at its absolute place (not under the
  // table) and the escaped one decoded once.
  auto v0 =
      Snapshot::load(std::make_shared<LocalFileSystem>("/"), dir_.relative_path().string(), 0);
  ASSERT_TRUE(v0.ok()) << v0.status().to_string();
  std::vector<std::string> paths;
  for (const LiveFile& f : v0->files()) paths.push_back(f.path);
  const std::string rel = dir_.relative_path().string();
  EXPECT_EQ(paths,
            (std::vector<std::string>{rel + "/a.parquet", rel + "/b.parquet", rel + "/c.parquet",
                                      rel + "/d e.parquet", rel + "/keep.parquet"}));
}

TEST_F(LogPathsTest, AReAddInAnotherSpellingKeepsOneLiveFile) {
  const std::string abs = dir_.string();
  write_log(0, std::string(kHeader) + add("a.parquet"));
  write_log(1, add("file://" + abs + "/a.parquet"));
  auto snap = load();
  ASSERT_TRUE(snap.ok()) << snap.status().to_string();
  ASSERT_EQ(snap->files().size(), 1u);
  EXPECT_EQ(snap->files()[0].add.path, "file://" + abs + "/a.parquet");
}

}  // namespace
}  // namespace lakestream
