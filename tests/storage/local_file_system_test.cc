#include "lakestream/storage/local_file_system.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "lakestream/storage/open_file_system.h"

namespace lakestream {
namespace {

namespace fs = std::filesystem;

/// A fresh folder under the build tree per test.
class LocalFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(LAKESTREAM_BINARY_DIR) / "test_tmp" / "storage" /
           (std::string(info->test_suite_name()) + "." + info->name() + "." +
            std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    lfs_ = std::make_unique<LocalFileSystem>(dir_.string());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> raw_entries(const fs::path& d) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(d)) out.push_back(e.path().filename().string());
    return out;
  }

  fs::path dir_;
  std::unique_ptr<LocalFileSystem> lfs_;
};

TEST(JoinPath, PutsExactlyOneSlashBetween) {
  EXPECT_EQ(join_path("a", "b"), "a/b");
  EXPECT_EQ(join_path("a/", "/b"), "a/b");
  EXPECT_EQ(join_path("a//", "b/c"), "a/b/c");
  EXPECT_EQ(join_path("", "b"), "b");
  EXPECT_EQ(join_path("a", ""), "a");
  EXPECT_EQ(join_path("/", "b"), "/b");
  EXPECT_EQ(join_path("/x", "_delta_log"), "/x/_delta_log");
}

TEST_F(LocalFileSystemTest, WriteReadRoundTripCreatesParents) {
  ASSERT_TRUE(lfs_->write_file("a/b/c.txt", "hello").ok());
  auto data = lfs_->read_file("a/b/c.txt");
  ASSERT_TRUE(data.ok()) << data.status().to_string();
  EXPECT_EQ(*data, "hello");
  EXPECT_TRUE(fs::exists(dir_ / "a" / "b" / "c.txt"));
  EXPECT_TRUE(*lfs_->exists("a/b/c.txt"));
  EXPECT_TRUE(*lfs_->exists("a/b"));
  EXPECT_FALSE(*lfs_->exists("a/b/d.txt"));
  EXPECT_FALSE(*lfs_->exists("a/b/c.txt/x"));
}

TEST_F(LocalFileSystemTest, StreamIsInvisibleUntilClose) {
  auto out = lfs_->open_output_stream("t/part-0.bin");
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  std::string big(1 << 20, 'x');  // larger than the stream buffer
  ASSERT_TRUE((*out)->write("head").ok());
  ASSERT_TRUE((*out)->write(big).ok());
  EXPECT_EQ((*out)->tell(), 4 + (1 << 20));
  EXPECT_FALSE(*lfs_->exists("t/part-0.bin"));
  EXPECT_TRUE(lfs_->list("t")->empty()) << "a temporary file showed in list()";
  EXPECT_EQ(raw_entries(dir_ / "t").size(), 1u);  // the temp file is there, hidden
  ASSERT_TRUE((*out)->close().ok());
  EXPECT_EQ(fs::file_size(dir_ / "t" / "part-0.bin"), 4u + (1u << 20));
  EXPECT_EQ(raw_entries(dir_ / "t").size(), 1u);  // the temp was renamed, not copied
  EXPECT_FALSE((*out)->write("more").ok());
}

TEST_F(LocalFileSystemTest, AbortLeavesNothingAndKeepsTheOldFile) {
  ASSERT_TRUE(lfs_->write_file("f", "old").ok());
  {
    auto out = lfs_->open_output_stream("f");
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->write("new content").ok());
    (*out)->abort();
  }
  {
    auto out = lfs_->open_output_stream("g");
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->write("dropped by the destructor").ok());
  }
  EXPECT_EQ(*lfs_->read_file("f"), "old");
  EXPECT_FALSE(*lfs_->exists("g"));
  EXPECT_EQ(raw_entries(dir_).size(), 1u);
}

TEST_F(LocalFileSystemTest, DirectStreamWritesInPlaceAndAbortRemovesIt) {
  // Missing folders are created; the bytes go to the final name, no temporary file.
  auto out = lfs_->open_output_stream("p/SupplierId=3/part-1.parquet", Publish::kDirect);
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  std::string big(1 << 20, 'y');  // past the stream buffer: written through
  ASSERT_TRUE((*out)->write(big).ok());
  EXPECT_EQ(raw_entries(dir_ / "p" / "SupplierId=3"), (std::vector<std::string>{"part-1.parquet"}));
  ASSERT_TRUE((*out)->write("tail").ok());
  ASSERT_TRUE((*out)->close().ok());
  EXPECT_EQ(fs::file_size(dir_ / "p" / "SupplierId=3" / "part-1.parquet"), (1u << 20) + 4u);
  // A second file in the same folder, then aborted: removed, the first one kept.
  auto second = lfs_->open_output_stream("p/SupplierId=3/part-2.parquet", Publish::kDirect);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE((*second)->write(big).ok());
  (*second)->abort();
  EXPECT_EQ(raw_entries(dir_ / "p" / "SupplierId=3"), (std::vector<std::string>{"part-1.parquet"}));
  // Replacing an existing file truncates it.
  auto again = lfs_->open_output_stream("p/SupplierId=3/part-1.parquet", Publish::kDirect);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE((*again)->write("short").ok());
  ASSERT_TRUE((*again)->close().ok());
  EXPECT_EQ(*lfs_->read_file("p/SupplierId=3/part-1.parquet"), "short");
}

TEST_F(LocalFileSystemTest, PutIfAbsentRefusesExisting) {
  ASSERT_TRUE(lfs_->put_if_absent("log/00.json", "first").ok());
  Status again = lfs_->put_if_absent("log/00.json", "second");
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.message().find("log/00.json"), std::string::npos) << again.message();
  EXPECT_EQ(*lfs_->read_file("log/00.json"), "first");
  EXPECT_EQ(raw_entries(dir_ / "log").size(), 1u) << "temp file left behind";
}

TEST_F(LocalFileSystemTest, PutIfAbsentRaceHasExactlyOneWinner) {
  constexpr int kThreads = 16;
  constexpr int kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    std::string path = "race/" + std::to_string(round) + ".json";
    std::atomic<int> wins{0};
    std::atomic<int> losses{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        while (!go.load()) std::this_thread::yield();
        Status s = lfs_->put_if_absent(path, "writer " + std::to_string(t));
        if (s.ok()) {
          ++wins;
        } else if (s.code() == StatusCode::kAlreadyExists) {
          ++losses;
        }
      });
    }
    go = true;
    for (auto& th : threads) th.join();
    EXPECT_EQ(wins.load(), 1) << "round " << round;
    EXPECT_EQ(losses.load(), kThreads - 1) << "round " << round;
    auto content = lfs_->read_file(path);
    ASSERT_TRUE(content.ok());
    EXPECT_TRUE(content->starts_with("writer ")) << *content;
  }
  EXPECT_EQ(raw_entries(dir_ / "race").size(), static_cast<size_t>(kRounds));
}

TEST_F(LocalFileSystemTest, PutIfAbsentRaceAcrossProcesses) {
  constexpr int kChildren = 6;
  std::vector<pid_t> pids;
  for (int c = 0; c < kChildren; ++c) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      Status s = lfs_->put_if_absent("p/0.json", "child");
      ::_exit(s.ok() ? 0 : (s.code() == StatusCode::kAlreadyExists ? 1 : 2));
    }
    pids.push_back(pid);
  }
  int wins = 0, losses = 0;
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    if (WEXITSTATUS(status) == 0) ++wins;
    if (WEXITSTATUS(status) == 1) ++losses;
  }
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(losses, kChildren - 1);
}

TEST_F(LocalFileSystemTest, ListIsSortedFlatAndSkipsFolders) {
  for (const char* name : {"d/c", "d/a", "d/b", "d/sub/x"}) {
    ASSERT_TRUE(lfs_->write_file(name, name).ok());
  }
  auto listed = lfs_->list("d");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].path, "d/a");
  EXPECT_EQ((*listed)[1].path, "d/b");
  EXPECT_EQ((*listed)[2].path, "d/c");
  EXPECT_EQ((*listed)[0].size, 3);
  EXPECT_GT((*listed)[0].modified_ms, 1'600'000'000'000LL);
  EXPECT_TRUE(lfs_->list("missing/folder")->empty());
}

TEST_F(LocalFileSystemTest, RangedReads) {
  std::string content;
  for (int i = 0; i < 1000; ++i) content += static_cast<char>('a' + i % 26);
  ASSERT_TRUE(lfs_->write_file("r.bin", content).ok());
  auto file = lfs_->open_input_file("r.bin");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(*(*file)->size(), 1000);
  char buf[10];
  ASSERT_TRUE((*file)->read_at(990, 10, buf).ok());
  EXPECT_EQ(std::string(buf, 10), content.substr(990));
  ASSERT_TRUE((*file)->read_at(0, 0, buf).ok());
  Status past = (*file)->read_at(995, 10, buf);
  EXPECT_EQ(past.code(), StatusCode::kIOError);
  EXPECT_NE(past.message().find("r.bin"), std::string::npos) << past.message();
  EXPECT_NE((*file)->path().find("r.bin"), std::string::npos);
}

TEST_F(LocalFileSystemTest, MissingPathsAreNotFoundNamingThePath) {
  auto r = lfs_->read_file("nope/x.json");
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("nope/x.json"), std::string::npos);
  EXPECT_NE(r.status().message().find("No such file"), std::string::npos) << r.status().message();
  EXPECT_EQ(lfs_->open_input_file("nope").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(lfs_->delete_file("nope").ok());
}

TEST_F(LocalFileSystemTest, DeleteRemovesTheFile) {
  ASSERT_TRUE(lfs_->write_file("x", "1").ok());
  ASSERT_TRUE(lfs_->delete_file("x").ok());
  EXPECT_FALSE(*lfs_->exists("x"));
}

TEST_F(LocalFileSystemTest, PathsCannotLeaveTheRoot) {
  EXPECT_EQ(lfs_->write_file("../escape", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(lfs_->write_file("a/../../escape", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(lfs_->put_if_absent("..", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir_.parent_path() / "escape"));
  // A leading '/' is relative to the root, not the machine's root.
  ASSERT_TRUE(lfs_->write_file("/abs.txt", "x").ok());
  EXPECT_TRUE(fs::exists(dir_ / "abs.txt"));
  EXPECT_EQ(lfs_->describe("abs.txt"), "file://" + (dir_ / "abs.txt").string());
}

TEST(OpenFileSystem, LocalPathsAndFileUris) {
  struct Case {
    std::string uri;
    std::string path;
    std::string root;
  };
  std::string cwd = fs::current_path().string();
  for (const Case& c : std::vector<Case>{{"/data/t", "data/t", "/"},
                                         {"/data/t/", "data/t", "/"},
                                         {"file:///data/t", "data/t", "/"},
                                         {"file:/data/t", "data/t", "/"},
                                         {"file://localhost/data/t", "data/t", "/"},
                                         {"file:///data/my%20table", "data/my table", "/"},
                                         {"rel/t", "rel/t", cwd}}) {
    auto r = open_file_system(c.uri);
    ASSERT_TRUE(r.ok()) << c.uri << ": " << r.status().to_string();
    EXPECT_EQ(r->second, c.path) << c.uri;
    auto* local = dynamic_cast<LocalFileSystem*>(r->first.get());
    ASSERT_NE(local, nullptr);
    EXPECT_EQ(local->root(), c.root) << c.uri;
  }
}

// abfss:// and https:// go to the Azure backend (tests/storage/azure_file_system_test.cc).
TEST(OpenFileSystem, OtherSchemesAreNotImplementedAndHideTheUri) {
  auto r = open_file_system("s3://bucket/t?sig=SECRET");
  EXPECT_EQ(r.status().code(), StatusCode::kNotImplemented);
  EXPECT_NE(r.status().message().find("s3"), std::string::npos);
  EXPECT_EQ(r.status().message().find("SECRET"), std::string::npos);
  EXPECT_EQ(open_file_system("gs://x/y").status().code(), StatusCode::kNotImplemented);
  EXPECT_EQ(open_file_system("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(open_file_system("file://otherhost/x").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace lakestream
