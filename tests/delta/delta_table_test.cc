#include "lakestream/delta/delta_table.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "lakestream/delta/partition.h"
#include "lakestream/delta/uuid.h"
#include "lakestream/storage/local_file_system.h"
#include "lakestream/version.h"
#include "support/test_data.h"

namespace lakestream {
namespace {

namespace fs = std::filesystem;

/// Concatenation without operator+ on temporaries (GCC 12 -Wrestrict false positives).
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

Schema meter_schema() {
  return Schema()
      .add("MeterId", DataType::string(), false)
      .add("SupplierId", DataType::string())
      .add("Value", DataType::decimal(10, 0));
}

AddFile make_add(std::string name, std::optional<std::string> supplier = std::nullopt) {
  AddFile a;
  a.path = encode_add_path(*partition_folder({{"SupplierId", supplier}}) + "/" + name);
  a.partition_values = {{"SupplierId", supplier}};
  a.size = 100;
  a.modification_time = 1700000000000;
  a.stats = "{\"numRecords\":1}";
  return a;
}

class DeltaTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(LAKESTREAM_BINARY_DIR) / "test_tmp" / "delta" /
           (std::string(info->name()) + "." + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs_ = std::make_shared<LocalFileSystem>(dir_.string());
  }
  void TearDown() override { fs::remove_all(dir_); }

  TableCreateOptions options() { return {meter_schema(), {"SupplierId"}, {}}; }

  Result<DeltaTable> open_or_create() { return DeltaTable::open_or_create(fs_, "t", options()); }

  std::vector<nlohmann::json> commit_lines(int64_t version) {
    std::vector<nlohmann::json> out;
    auto text = fs_->read_file("t/" + commit_file_path(version));
    EXPECT_TRUE(text.ok()) << text.status().to_string();
    size_t pos = 0;
    while (text.ok() && pos < text->size()) {
      size_t end = text->find('\n', pos);
      out.push_back(nlohmann::json::parse(text->substr(pos, end - pos)));
      pos = end + 1;
    }
    return out;
  }

  fs::path dir_;
  std::shared_ptr<FileSystem> fs_;
};

TEST(Uuid, Version4Format) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string u = uuid_v4();
    ASSERT_EQ(u.size(), 36u);
    EXPECT_EQ(u[8], '-');
    EXPECT_EQ(u[14], '4');
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(CommitFiles, NamesAndVersions) {
  EXPECT_EQ(commit_file_path(42), "_delta_log/00000000000000000042.json");
  EXPECT_EQ(commit_file_version("_delta_log/00000000000000000042.json"), 42);
  EXPECT_EQ(commit_file_version("00000000000000000010.checkpoint.parquet"), std::nullopt);
  EXPECT_EQ(commit_file_version("_last_checkpoint"), std::nullopt);
  EXPECT_EQ(commit_file_version("0000000000000000004x.json"), std::nullopt);
}

TEST(Actions, SerializeParseRoundTrip) {
  CommitActions c;
  c.commit_info = CommitInfoAction{5,
                                   "WRITE",
                                   {{"mode", "Append"}},
                                   3,
                                   true,
                                   "e/1",
                                   "id",
                                   {{"numAddedFiles", "2"}},
                                   1700000000123};
  c.protocol = ProtocolAction{};
  MetadataAction m;
  m.id = "abc";
  m.schema_string = meter_schema().to_json();
  m.partition_columns = {"SupplierId"};
  m.configuration = {{"delta.appendOnly", "true"}};
  m.created_time = 9;
  c.metadata = m;
  c.txns = {{"q-topic-0", 17, 5}};
  c.adds = {make_add("f1", "A/A"), make_add("f2")};
  c.removes = {{"old", 4, true, false, {}, std::nullopt},
               {"SupplierId=7/old2", 4, false, true, {{"SupplierId", "7"}}, 321}};
  std::string text = serialize_commit(c);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 8);
  EXPECT_NE(text.find("\"operationMetrics\":{\"numAddedFiles\":\"2\"}"), std::string::npos);
  EXPECT_NE(text.find("{\"remove\":{\"path\":\"SupplierId=7/old2\",\"deletionTimestamp\":4,"
                      "\"dataChange\":false,\"extendedFileMetadata\":true,"
                      "\"partitionValues\":{\"SupplierId\":\"7\"},\"size\":321}}"),
            std::string::npos)
      << text;
  EXPECT_TRUE(
      text.starts_with("{\"commitInfo\":{\"inCommitTimestamp\":1700000000123,\"timestamp\":5,"
                       "\"operation\":\"WRITE\""))
      << text;
  EXPECT_NE(text.find("{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"),
            std::string::npos);
  EXPECT_NE(text.find("\"partitionValues\":{\"SupplierId\":null}"), std::string::npos);
  EXPECT_NE(text.find("\"path\":\"SupplierId=A%252FA/f1\""), std::string::npos) << text;
  auto back = parse_commit(text, "test");
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(back->metadata->schema_string, m.schema_string);
  EXPECT_EQ(back->commit_info->in_commit_timestamp, 1700000000123);
  EXPECT_EQ(back->metadata->configuration, m.configuration);
  EXPECT_EQ(back->txns[0].app_id, "q-topic-0");
  EXPECT_EQ(back->txns[0].version, 17);
  ASSERT_EQ(back->adds.size(), 2u);
  EXPECT_EQ(back->adds[0].partition_values[0].second, "A/A");
  EXPECT_EQ(back->adds[1].partition_values[0].second, std::nullopt);
  EXPECT_EQ(back->removes[0].path, "old");
  EXPECT_FALSE(back->removes[0].extended_file_metadata);
  EXPECT_EQ(back->removes[1].size, 321);
  EXPECT_EQ(back->removes[1].partition_values[0].second, "7");
  EXPECT_EQ(back->commit_info->operation_metrics.size(), 1u);
  EXPECT_EQ(back->commit_info->read_version, 3);
  EXPECT_EQ(serialize_commit(*back), text);
}

TEST(Actions, BadLinesAreCorruptWithTheLineNumber) {
  auto r = parse_commit("{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n{oops\n",
                        "log/1.json");
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("log/1.json line 2"), std::string::npos);
  auto missing = parse_commit("{\"txn\":{\"version\":1}}", "x");
  EXPECT_NE(missing.status().message().find("appId"), std::string::npos);
}

// Integer fields take JSON integers in range only. nlohmann's unchecked conversion read a
// float out of range as undefined behaviour (found by fuzz/delta_log_fuzz.cc) and would read
// minReaderVersion 4294967297 as 1, letting a reader open a table it cannot read.
TEST(Actions, IntegerFieldsMustFitTheirType) {
  auto wide = parse_commit(
      "{\"protocol\":{\"minReaderVersion\":4294967297,\"minWriterVersion\":2}}\n", "v.json");
  EXPECT_EQ(wide.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(wide.status().message().find("minReaderVersion"), std::string::npos);
  auto fractional = parse_commit("{\"txn\":{\"appId\":\"a\",\"version\":1.5}}\n", "f.json");
  EXPECT_EQ(fractional.status().code(), StatusCode::kCorrupt);

  // Optional ones out of range are absent, as other wrong types are; integral floats count.
  auto r = parse_commit(
      "{\"commitInfo\":{\"timestamp\":1.69089e21,\"readVersion\":-1e300}}\n"
      "{\"add\":{\"path\":\"a\",\"size\":1e3,\"modificationTime\":18446744073709551615,"
      "\"dataChange\":true}}\n",
      "o.json");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->commit_info->timestamp, 0);
  EXPECT_FALSE(r->commit_info->read_version.has_value());
  ASSERT_EQ(r->adds.size(), 1u);
  EXPECT_EQ(r->adds[0].size, 1000);
  EXPECT_EQ(r->adds[0].modification_time, 0);
}

TEST_F(DeltaTableTest, CreateAppendReopen) {
  auto table = open_or_create();
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  EXPECT_EQ(table->version(), -1);
  EXPECT_EQ(DeltaTable::open(fs_, "t").status().code(), StatusCode::kNotFound);

  Transaction t0 = table->begin();
  t0.add_file(make_add("part-0.parquet", "A"));
  auto v0 = t0.commit("WRITE", {{"mode", "Append"}, {"partitionBy", "[\"SupplierId\"]"}});
  ASSERT_TRUE(v0.ok()) << v0.status().to_string();
  EXPECT_EQ(*v0, 0);

  auto lines = commit_lines(0);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["commitInfo"]["operation"], "WRITE");
  EXPECT_EQ(lines[0]["commitInfo"]["engineInfo"], std::string(kEngineInfo));
  EXPECT_EQ(lines[0]["commitInfo"]["isBlindAppend"], true);
  EXPECT_FALSE(lines[0]["commitInfo"].contains("readVersion"));
  EXPECT_EQ(lines[1]["protocol"]["minWriterVersion"], 2);
  EXPECT_EQ(lines[2]["metaData"]["partitionColumns"], nlohmann::json::array({"SupplierId"}));
  EXPECT_EQ(lines[2]["metaData"]["format"]["provider"], "parquet");
  EXPECT_EQ(lines[2]["metaData"]["schemaString"], meter_schema().to_json());
  EXPECT_EQ(lines[2]["metaData"]["id"].get<std::string>().size(), 36u);
  EXPECT_EQ(lines[3]["add"]["partitionValues"]["SupplierId"], "A");

  Transaction t1 = table->begin();
  t1.add_file(make_add("part-1.parquet"));
  t1.set_txn("q-meters-0", 41);
  ASSERT_EQ(*t1.commit("STREAMING UPDATE", {{"outputMode", "Append"}}), 1);
  lines = commit_lines(1);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["commitInfo"]["readVersion"], 0);
  EXPECT_EQ(lines[1]["txn"]["appId"], "q-meters-0");
  EXPECT_EQ(lines[1]["txn"]["version"], 41);
  EXPECT_TRUE(lines[1]["txn"].contains("lastUpdated"));

  auto reopened = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(reopened.ok()) << reopened.status().to_string();
  EXPECT_EQ(reopened->version(), 1);
  EXPECT_EQ(reopened->schema(), meter_schema());
  EXPECT_EQ(reopened->partition_columns(), std::vector<std::string>{"SupplierId"});
  EXPECT_EQ(reopened->txn_version("q-meters-0"), 41);
  EXPECT_EQ(reopened->txn_version("q-meters-1"), std::nullopt);
}

TEST_F(DeltaTableTest, TxnVersionsReplayedAndDuplicatesRefused) {
  auto table = open_or_create();
  ASSERT_TRUE(table.ok());
  for (int64_t offset : {10, 20, 30}) {
    Transaction t = table->begin();
    t.set_txn("app-0", offset);
    if (offset == 20) t.set_txn("app-1", 5);
    ASSERT_TRUE(t.commit("STREAMING UPDATE").ok());
  }
  auto reopened = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened->txn_version("app-0"), 30);
  EXPECT_EQ(reopened->txn_version("app-1"), 5);
  Transaction again = reopened->begin();
  again.set_txn("app-0", 30);
  auto r = again.commit("STREAMING UPDATE");
  EXPECT_EQ(r.status().code(), StatusCode::kConflict);
  EXPECT_NE(r.status().message().find("app-0"), std::string::npos);
}

TEST_F(DeltaTableTest, LosingWriterRetriesAtTheNextVersion) {
  auto a = open_or_create();
  ASSERT_TRUE(a.ok());
  Transaction create = a->begin();
  ASSERT_TRUE(create.commit("CREATE TABLE").ok());
  auto b = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(b.ok());
  Transaction ta = a->begin();
  Transaction tb = b->begin();
  ta.add_file(make_add("a.parquet"));
  tb.add_file(make_add("b.parquet"));
  ASSERT_EQ(*ta.commit("WRITE"), 1);
  auto vb = tb.commit("WRITE");
  ASSERT_TRUE(vb.ok()) << vb.status().to_string();
  EXPECT_EQ(*vb, 2);
  EXPECT_EQ(commit_lines(2)[0]["commitInfo"]["readVersion"], 0);
  EXPECT_EQ(b->version(), 2);
}

TEST_F(DeltaTableTest, ConcurrentTxnOnTheSameAppIdConflicts) {
  auto a = open_or_create();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(a->begin().commit("CREATE TABLE").ok());
  auto b = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(b.ok());
  Transaction ta = a->begin();
  Transaction tb = b->begin();
  ta.set_txn("q-topic-3", 100);
  tb.set_txn("q-topic-3", 100);
  tb.set_txn("q-topic-4", 7);
  ASSERT_TRUE(ta.commit("STREAMING UPDATE").ok());
  auto r = tb.commit("STREAMING UPDATE");
  EXPECT_EQ(r.status().code(), StatusCode::kConflict);
  EXPECT_NE(r.status().message().find("q-topic-3"), std::string::npos) << r.status().message();
  EXPECT_FALSE(fs_->read_file("t/" + commit_file_path(2)).ok()) << "the loser committed anyway";
}

TEST_F(DeltaTableTest, MetadataChangeByAnotherWriterConflicts) {
  auto a = open_or_create();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(a->begin().commit("CREATE TABLE").ok());
  Transaction t = a->begin();
  t.add_file(make_add("x.parquet"));
  // Someone else rewrites the metadata at version 1.
  CommitActions other;
  MetadataAction m;
  m.id = "other";
  m.schema_string = meter_schema().to_json();
  other.metadata = m;
  ASSERT_TRUE(fs_->put_if_absent("t/" + commit_file_path(1), serialize_commit(other)).ok());
  EXPECT_EQ(t.commit("WRITE").status().code(), StatusCode::kConflict);
}

TEST_F(DeltaTableTest, CreationRaceEndsWithOneMetadata) {
  auto a = open_or_create();
  auto b = open_or_create();
  ASSERT_TRUE(a.ok() && b.ok());
  Transaction ta = a->begin();
  Transaction tb = b->begin();
  ta.add_file(make_add("a.parquet"));
  tb.add_file(make_add("b.parquet"));
  ASSERT_EQ(*ta.commit("WRITE"), 0);
  auto vb = tb.commit("WRITE");
  ASSERT_TRUE(vb.ok()) << vb.status().to_string();
  EXPECT_EQ(*vb, 1);
  auto lines = commit_lines(1);
  for (const auto& line : lines) {
    EXPECT_FALSE(line.contains("metaData"));
    EXPECT_FALSE(line.contains("protocol"));
  }
  EXPECT_EQ(b->state().metadata->id, a->state().metadata->id);
}

TEST_F(DeltaTableTest, CreationRaceWithADifferentSchemaFailsClearly) {
  auto a = open_or_create();
  TableCreateOptions other = options();
  other.partition_columns = {"MeterId"};
  auto b = DeltaTable::open_or_create(fs_, "t", other);
  ASSERT_TRUE(a.ok() && b.ok());
  Transaction ta = a->begin();
  Transaction tb = b->begin();
  ASSERT_TRUE(ta.commit("WRITE").ok());
  auto r = tb.commit("WRITE");
  EXPECT_EQ(r.status().code(), StatusCode::kConflict);
  EXPECT_NE(r.status().message().find("partitioned by [SupplierId]"), std::string::npos)
      << r.status().message();
  // Opening with the wrong options later is refused up front.
  EXPECT_EQ(DeltaTable::open_or_create(fs_, "t", other).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(DeltaTableTest, BadCreateOptionsAreRefused) {
  TableCreateOptions o = options();
  o.partition_columns = {"Nope"};
  EXPECT_EQ(DeltaTable::open_or_create(fs_, "t", o).status().code(), StatusCode::kInvalidArgument);
  o.partition_columns = {"MeterId", "SupplierId", "Value"};
  EXPECT_EQ(DeltaTable::open_or_create(fs_, "t", o).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(DeltaTableTest, ManyThreadsRacingAllLandOnDistinctVersions) {
  constexpr int kWriters = 8;
  constexpr int kCommitsEach = 5;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      auto table = open_or_create();  // each writer its own table object, like a process
      if (!table.ok()) {
        ++failures;
        return;
      }
      for (int i = 0; i < kCommitsEach; ++i) {
        Transaction t = table->begin();
        t.add_file(make_add(cat({"w", std::to_string(w), "-", std::to_string(i)})));
        t.set_txn(cat({"writer-", std::to_string(w)}), i);
        if (!t.commit("STREAMING UPDATE").ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto table = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  EXPECT_EQ(table->version(), kWriters * kCommitsEach - 1);
  int metadata_count = 0;
  int adds = 0;
  for (int64_t v = 0; v <= table->version(); ++v) {
    for (const auto& line : commit_lines(v)) {
      metadata_count += line.contains("metaData");
      adds += line.contains("add");
    }
  }
  EXPECT_EQ(metadata_count, 1);
  EXPECT_EQ(adds, kWriters * kCommitsEach);
  for (int w = 0; w < kWriters; ++w) {
    EXPECT_EQ(table->txn_version(cat({"writer-", std::to_string(w)})), kCommitsEach - 1);
  }
}

TEST_F(DeltaTableTest, TwoProcessesRacing) {
  constexpr int kChildren = 4;
  std::vector<pid_t> pids;
  for (int c = 0; c < kChildren; ++c) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto table = open_or_create();
      if (!table.ok()) ::_exit(2);
      for (int i = 0; i < 3; ++i) {
        Transaction t = table->begin();
        t.add_file(make_add(cat({"p", std::to_string(c), "-", std::to_string(i)})));
        if (!t.commit("WRITE").ok()) ::_exit(1);
      }
      ::_exit(0);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  auto table = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->version(), kChildren * 3 - 1);
}

TEST_F(DeltaTableTest, RefreshSeesOtherWriters) {
  auto a = open_or_create();
  auto b = open_or_create();
  ASSERT_TRUE(a.ok() && b.ok());
  Transaction t = a->begin();
  t.set_txn("app", 3);
  ASSERT_TRUE(t.commit("WRITE").ok());
  EXPECT_EQ(b->txn_version("app"), std::nullopt);
  ASSERT_TRUE(b->refresh().ok());
  EXPECT_EQ(b->version(), 0);
  EXPECT_EQ(b->txn_version("app"), 3);
}

// Logs written by Spark / Delta, read with our log reader.
std::string testdata(const char* table) { return testing::test_data_dir() + "/delta/" + table; }
class RealTables : public testing::TestDataTest {};

TEST_F(RealTables, Delta020TxnIsReplayed) {
  auto fs = std::make_shared<LocalFileSystem>(testdata("delta-0.2.0"));
  auto state = read_log(*fs, "");
  ASSERT_TRUE(state.ok()) << state.status().to_string();
  EXPECT_EQ(state->version, 3);
  EXPECT_EQ(state->txn_versions.at("e4a20b59-dd0e-4c50-b074-e8ae4786df30"), 0);
  EXPECT_EQ(state->protocol->min_writer_version, 2);
  auto table = DeltaTable::open(fs, "");
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  EXPECT_EQ(table->schema().field(0).name, "value");
}

TEST_F(RealTables, SpecialPartitionPathsDecodeToTheFoldersOnDisk) {
  auto fs = std::make_shared<LocalFileSystem>(testdata("delta-0.8.0-special-partition"));
  auto text = fs->read_file(commit_file_path(0));
  ASSERT_TRUE(text.ok());
  auto commit = parse_commit(*text, "special");
  ASSERT_TRUE(commit.ok());
  ASSERT_EQ(commit->adds.size(), 2u);
  for (const AddFile& add : commit->adds) {
    auto relative = decode_add_path(add.path);
    ASSERT_TRUE(relative.ok());
    EXPECT_TRUE(*fs->exists(*relative)) << *relative;
    EXPECT_EQ(encode_add_path(*relative), add.path);
  }
  // Our own folder for the first value is the one Spark made.
  EXPECT_EQ(*partition_folder({{"x", "A/A"}}), "x=A%2FA");
}

TEST_F(RealTables, PartitionValuesTableFoldersMatchOurs) {
  auto fs = std::make_shared<LocalFileSystem>(testdata("data-reader-partition-values"));
  auto state = read_log(*fs, "");
  ASSERT_TRUE(state.ok()) << state.status().to_string();
  auto text = fs->read_file(commit_file_path(0));
  auto commit = parse_commit(*text, "pv");
  ASSERT_TRUE(commit.ok());
  for (const AddFile& add : commit->adds) {
    // Rebuild the folder from partitionValues in partitionColumns order: it must be Spark's.
    std::vector<PartitionValue> values;
    for (const std::string& column : state->metadata->partition_columns) {
      for (const auto& [k, v] : add.partition_values) {
        if (k == column) values.emplace_back(k, v);
      }
    }
    auto folder = partition_folder(values);
    ASSERT_TRUE(folder.ok());
    std::string path = *decode_add_path(add.path);
    EXPECT_EQ(path.substr(0, path.rfind('/')), *folder);
  }
}

TEST_F(RealTables, CheckpointOnlyLogsAreNotImplementedYet) {
  auto fs = std::make_shared<LocalFileSystem>(testdata("basic-with-inserts-deletes-checkpoint"));
  // Commits 0..13 are all present here, so the JSON replay works and ignores the checkpoint.
  auto state = read_log(*fs, "");
  ASSERT_TRUE(state.ok()) << state.status().to_string();
  EXPECT_EQ(state->version, 13);
}

}  // namespace
}  // namespace lakestream
