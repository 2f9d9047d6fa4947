// The Azure backend against Azurite (started by azure_test.sh, which passes its endpoint in
// LAKESTREAM_AZURITE_ENDPOINT): put/get/ranged get/list past one page/delete, block uploads,
// put-if-absent races, and two Delta writers racing on one version.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>

#include "lakestream/common/metrics.h"
#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/partition.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/source/memory_source.h"
#include "lakestream/storage/azure_file_system.h"
#include "lakestream/storage/local_file_system.h"
#include "lakestream/storage/open_file_system.h"
#include "lakestream/stream/data_stream.h"
#include "lakestream/stream/data_stream_writer.h"
#include "lakestream/stream/session.h"

namespace lakestream {
namespace {

std::string endpoint() {
  const char* e = std::getenv("LAKESTREAM_AZURITE_ENDPOINT");
  return e == nullptr ? "" : e;
}

std::string connection_string() {
  return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" +
         std::string(kDevStorageKey) + ";BlobEndpoint=" + endpoint();
}

/// Each test gets its own container, so runs never see each other's blobs.
class Azurite : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(endpoint().empty()) << "LAKESTREAM_AZURITE_ENDPOINT is not set: run this "
                                        "through tests/scripts/azure_test.sh";
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    container_ = "t";
    for (char c : name) {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        container_.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      }
    }
    container_ = container_.substr(0, 40) + std::to_string(::getpid());
    uri_ = "abfss://" + container_ + "@devstoreaccount1.dfs.core.windows.net";
    options_.connection_string = connection_string();
    options_.client.block_size = 64 * 1024;
    auto opened = open_azure_file_system(uri_, options_);
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    fs_ = std::dynamic_pointer_cast<AzureFileSystem>(opened->first);
    ASSERT_NE(fs_, nullptr);
  }

  std::string uri_;
  std::string container_;
  AzureStorageOptions options_;
  std::shared_ptr<AzureFileSystem> fs_;
};

std::string pattern(size_t n, uint32_t seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 1103515245u + 12345u;
    s[i] = static_cast<char>(seed >> 24);
  }
  return s;
}

TEST_F(Azurite, PutGetRangedGetHeadDelete) {
  std::string data = pattern(10'000, 1);
  ASSERT_TRUE(fs_->write_file("dir/a.bin", data).ok());  // creates the missing container
  auto back = fs_->read_file("dir/a.bin");
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(*back, data);

  auto file = fs_->open_input_file("dir/a.bin");
  ASSERT_TRUE(file.ok()) << file.status().to_string();
  EXPECT_EQ(*(*file)->size(), 10'000);
  std::string part(300, '\0');
  ASSERT_TRUE((*file)->read_at(4'321, 300, part.data()).ok());
  EXPECT_EQ(part, data.substr(4'321, 300));
  ASSERT_TRUE((*file)->read_at(9'999, 1, part.data()).ok());
  EXPECT_EQ(part[0], data[9'999]);
  EXPECT_FALSE((*file)->read_at(9'990, 20, part.data()).ok());  // past the end

  EXPECT_TRUE(*fs_->exists("dir/a.bin"));
  EXPECT_TRUE(*fs_->exists("dir"));  // a folder: blobs under it
  EXPECT_FALSE(*fs_->exists("dir/b.bin"));
  ASSERT_TRUE(fs_->write_file("dir/empty", "").ok());
  EXPECT_EQ(*fs_->read_file("dir/empty"), "");

  ASSERT_TRUE(fs_->delete_file("dir/a.bin").ok());
  ASSERT_TRUE(fs_->delete_file("dir/a.bin").ok());  // a missing blob is fine
  EXPECT_EQ(fs_->read_file("dir/a.bin").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(fs_->open_input_file("dir/a.bin").status().code(), StatusCode::kNotFound);
}

TEST_F(Azurite, StreamUploadsBlocksInFlightAndCommitsOnClose) {
  std::string data = pattern(64 * 1024 * 9 + 1234, 7);  // 10 blocks of 64 KiB
  auto stream = fs_->open_output_stream("big/blob.bin");
  ASSERT_TRUE(stream.ok());
  int64_t before = fs_->stats().requests;
  for (size_t at = 0; at < data.size(); at += 10'007) {
    ASSERT_TRUE(
        (*stream)->write(data.data() + at, std::min<size_t>(10'007, data.size() - at)).ok());
  }
  EXPECT_EQ((*stream)->tell(), static_cast<int64_t>(data.size()));
  EXPECT_FALSE(*fs_->exists("big/blob.bin"));  // nothing visible before close
  ASSERT_TRUE((*stream)->close().ok());
  EXPECT_GE(fs_->stats().requests - before, 11);  // 10 Put Block + Put Block List
  EXPECT_EQ(*fs_->read_file("big/blob.bin"), data);

  auto aborted = fs_->open_output_stream("big/aborted.bin");
  ASSERT_TRUE((*aborted)->write(data).ok());
  (*aborted)->abort();
  EXPECT_FALSE(*fs_->exists("big/aborted.bin"));
}

TEST_F(Azurite, ListingPastOnePageComesBackWhole) {
  constexpr int kBlobs = 5'100;  // Azurite answers at most 5,000 per page
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < kBlobs; i = next++) {
        char name[32];
        std::snprintf(name, sizeof(name), "many/f%05d", i);
        if (!fs_->write_file(name, "x").ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
  ASSERT_TRUE(fs_->write_file("many/sub/nested", "y").ok());
  ASSERT_TRUE(fs_->write_file("manyother", "z").ok());

  auto listed = fs_->list("many");
  ASSERT_TRUE(listed.ok()) << listed.status().to_string();
  ASSERT_EQ(listed->size(), static_cast<size_t>(kBlobs));  // the folder "sub" is not a file
  std::set<std::string> names;
  for (const FileInfo& f : *listed) {
    names.insert(f.path);
    EXPECT_EQ(f.size, 1);
    EXPECT_GT(f.modified_ms, 0);
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kBlobs));
  EXPECT_EQ(listed->front().path, "many/f00000");
  EXPECT_EQ(listed->back().path, "many/f05099");
  auto all = fs_->list_recursive("many/");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), static_cast<size_t>(kBlobs + 1));
  EXPECT_TRUE(fs_->list("nothing/here")->empty());
}

TEST_F(Azurite, PutIfAbsentRaceHasOneWinner) {
  constexpr int kWriters = 8;
  std::vector<Status> results(kWriters);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      results[i] =
          fs_->put_if_absent("log/00000000000000000001.json", "writer " + std::to_string(i));
    });
  }
  for (auto& t : threads) t.join();
  int winners = 0;
  int winner = -1;
  for (int i = 0; i < kWriters; ++i) {
    if (results[i].ok()) {
      ++winners;
      winner = i;
    } else {
      EXPECT_EQ(results[i].code(), StatusCode::kAlreadyExists) << results[i].to_string();
    }
  }
  ASSERT_EQ(winners, 1);
  EXPECT_EQ(*fs_->read_file("log/00000000000000000001.json"), "writer " + std::to_string(winner));
  // A writer that comes later with the same content is still not the winner.
  EXPECT_EQ(fs_->put_if_absent("log/00000000000000000001.json", "writer " + std::to_string(winner))
                .code(),
            StatusCode::kAlreadyExists);
}

Schema meter_schema() {
  return Schema().add("MeterId", DataType::string(), false).add("SupplierId", DataType::string());
}

AddFile make_add(const std::string& name) {
  AddFile a;
  a.path = encode_add_path(name);
  a.size = 100;
  a.modification_time = 1700000000000;
  a.stats = "{\"numRecords\":1}";
  return a;
}

TEST_F(Azurite, TwoDeltaWritersOnOneVersionOneWinsTheOtherRetries) {
  Counter& conflicts = MetricsRegistry::global().counter(
      "lakestream_delta_commit_conflicts_total", "", {{"table", fs_->describe("tables/t")}});
  const int64_t put_lists0 =
      MetricsRegistry::global()
          .counter("lakestream_storage_requests_total", "", {{"operation", "put_blob"}})
          .value();
  TableCreateOptions create{meter_schema(), {}, {}};
  auto first = DeltaTable::open_or_create(fs_, "tables/t", create);
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  Transaction t0 = first->begin();
  t0.add_file(make_add("seed.parquet"));
  ASSERT_EQ(*t0.commit("WRITE"), 0);

  // Both writers read version 0, then commit: both aim at version 1.
  auto a = DeltaTable::open(fs_, "tables/t");
  auto b = DeltaTable::open(fs_, "tables/t");
  ASSERT_TRUE(a.ok() && b.ok());
  Transaction ta = a->begin();
  Transaction tb = b->begin();
  ta.add_file(make_add("a.parquet"));
  tb.add_file(make_add("b.parquet"));
  Result<int64_t> va = Status::Internal("unset");
  Result<int64_t> vb = Status::Internal("unset");
  std::thread ra([&] { va = ta.commit("WRITE"); });
  std::thread rb([&] { vb = tb.commit("WRITE"); });
  ra.join();
  rb.join();
  ASSERT_TRUE(va.ok()) << va.status().to_string();
  ASSERT_TRUE(vb.ok()) << vb.status().to_string();
  EXPECT_EQ(std::set<int64_t>({*va, *vb}), std::set<int64_t>({1, 2}));  // one retried at 2
  // /metrics counts the lost race (at least once: under load Azurite may answer late and the
  // loser may meet more than one taken version).
  const int64_t after_race = conflicts.value();
  EXPECT_GE(after_race, 1);
  EXPECT_GE(MetricsRegistry::global()
                    .counter("lakestream_storage_requests_total", "", {{"operation", "put_blob"}})
                    .value() -
                put_lists0,
            4);  // three commits that landed and the one that found its version taken

  auto reader = DeltaTable::open(fs_, "tables/t");
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->version(), 2);
  auto log = fs_->list("tables/t/_delta_log");
  ASSERT_TRUE(log.ok());
  int commits = 0;
  for (const FileInfo& f : *log) commits += f.path.ends_with(".json") ? 1 : 0;
  EXPECT_EQ(commits, 3);

  // Writers with the same txn app id: the second is a conflict, not a duplicate.
  Transaction x = a->begin();
  x.set_txn("app", 5);
  ASSERT_TRUE(x.commit("WRITE").ok());
  Transaction y = b->begin();
  y.set_txn("app", 5);
  EXPECT_EQ(y.commit("WRITE").status().code(), StatusCode::kConflict);
  EXPECT_GE(conflicts.value(), after_race + 1);  // y found version 3 (at least) taken
}

TEST_F(Azurite, OpenFileSystemRoutesTheUrisToTheConnectionStringsEndpoint) {
  ::setenv("AZURE_STORAGE_CONNECTION_STRING", connection_string().c_str(), 1);
  auto opened = open_file_system(uri_ + "/via/env");
  ::unsetenv("AZURE_STORAGE_CONNECTION_STRING");
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  auto& [fs, path] = *opened;
  EXPECT_EQ(path, "via/env");
  ASSERT_TRUE(fs->write_file(join_path(path, "x.txt"), "hello").ok());
  EXPECT_EQ(*fs_->read_file("via/env/x.txt"), "hello");
  // The https form of the same location.
  std::string https = "https://devstoreaccount1.blob.core.windows.net/" + container_ + "/via/env";
  auto same = open_azure_file_system(https, options_);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same->first->read_file("via/env/x.txt"), "hello");
}

TEST_F(Azurite, WrongKeyIsAnAuthorizationErrorWithoutTheKey) {
  AzureStorageOptions bad = options_;
  std::string wrong = "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXk=";
  bad.connection_string =
      "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + wrong +
      ";BlobEndpoint=" + endpoint();
  auto opened = open_azure_file_system(uri_, bad);
  ASSERT_TRUE(opened.ok());
  Status st = opened->first->write_file("x", "y");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("403"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find(wrong), std::string::npos);
}

// Storage credentials belong to a Session (Spark's fs.azure.* session settings), and a query
// may override its session's (DataStreamWriter::storage): one process writes a table to each of
// two accounts, each with its own key, and neither account's credentials open the other's.
// Azurite serves a second account for this (azure_test.sh: AZURITE_ACCOUNTS).
TEST(AzuriteAccounts, SessionsAndQueriesWriteToTwoAccountsInOneProcess) {
  const char* second = std::getenv("LAKESTREAM_AZURITE_SECOND");
  ASSERT_NE(second, nullptr) << "LAKESTREAM_AZURITE_SECOND is not set: run azure_test.sh";
  const std::string spec = second;
  const std::string account_b = spec.substr(0, spec.find(':'));
  AzureStorageOptions a;
  a.connection_string = connection_string();
  AzureStorageOptions b;
  b.account_name = account_b;
  b.account_key = spec.substr(spec.find(':') + 1);
  const std::string base = endpoint().substr(0, endpoint().rfind('/'));
  b.blob_endpoint = base + "/" + account_b;
  const std::string container = "two" + std::to_string(::getpid());
  const std::string on_a = "abfss://" + container + "@devstoreaccount1.dfs.core.windows.net";
  const std::string on_b = "abfss://" + container + "@" + account_b + ".dfs.core.windows.net";
  for (const auto& [uri, options] : {std::pair{on_a, a}, std::pair{on_b, b}}) {
    auto opened = open_azure_file_system(uri, options);
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    ASSERT_TRUE(std::dynamic_pointer_cast<AzureFileSystem>(opened->first)->create_container().ok());
  }

  auto topic = std::make_shared<MemoryTopic>("events", 2);
  for (int i = 0; i < 20; ++i) topic->produce(i % 2, "{\"n\":" + std::to_string(i) + "}");
  const Schema schema = Schema().add("n", DataType::long_());
  // drain(session, table, override): an available-now query from the topic into `table`.
  auto drain = [&](const Session& session, const std::string& table,
                   const AzureStorageOptions* override_storage) {
    DataStream raw =
        session.read_stream()
            .source([topic]() -> Result<std::unique_ptr<StreamSource>> {
              return std::unique_ptr<StreamSource>(std::make_unique<MemorySource>(topic));
            })
            .load();
    DataStreamWriter w = event_hub_parse(raw, schema)
                             .write_stream()
                             .format("delta")
                             .trigger(Trigger::available_now())
                             .option("checkpoint-location", table + "_checkpoint")
                             .option("progress-log", "none");
    if (override_storage != nullptr) w.storage(*override_storage);
    auto q = w.start(table);
    ASSERT_TRUE(q.ok()) << table << ": " << q.status().to_string();
    auto done = q->await_termination(60);
    ASSERT_TRUE(done.ok() && *done) << table;
  };
  const Session session_a(Config(), a);
  const Session session_b(Config(), b);
  drain(session_a, on_a + "/t", nullptr);
  drain(session_b, on_b + "/t", nullptr);
  drain(session_a, on_b + "/t2", &b);  // a's session, this query on b

  for (const auto& [table, options] :
       {std::pair{on_a + "/t", a}, std::pair{on_b + "/t", b}, std::pair{on_b + "/t2", b}}) {
    auto reader = TableReader::open(table, std::nullopt, options);
    ASSERT_TRUE(reader.ok()) << table << ": " << reader.status().to_string();
    auto rows = reader->read_all();
    ASSERT_TRUE(rows.ok()) << rows.status().to_string();
    EXPECT_EQ(rows->num_rows(), 20) << table;
  }
  // No credentials linger in the process: b's table with a's options (a connection string for
  // devstoreaccount1) or with none at all is refused before any request.
  EXPECT_FALSE(TableReader::open(on_b + "/t", std::nullopt, a).ok());
  EXPECT_FALSE(TableReader::open(on_b + "/t").ok());
  // And b's key does not open a's account.
  AzureStorageOptions wrong = b;
  wrong.account_name = "devstoreaccount1";
  wrong.blob_endpoint = endpoint();
  auto denied = TableReader::open(on_a + "/t", std::nullopt, wrong);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().message().find(b.account_key), std::string::npos);
}

}  // namespace
}  // namespace lakestream
