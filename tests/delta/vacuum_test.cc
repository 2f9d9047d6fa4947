// VACUUM and log cleanup on local disk, with a fake clock: what the retention keeps (live files,
// recent tombstones, recent untracked files), what it deletes (old tombstoned files, old files
// never committed), what it never touches (_delta_log, hidden files), the retention guard, dry
// runs, the VACUUM START/END commits, time travel inside and outside the retention; and the log
// cleanup after checkpoints.
#include "lakestream/delta/vacuum.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "delta/meter_rows.h"
#include "lakestream/common/time.h"
#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/optimize.h"
#include "lakestream/delta/snapshot.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/delta/table_writer.h"
#include "lakestream/storage/local_file_system.h"

namespace lakestream {
namespace {

namespace stdfs = std::filesystem;

constexpr int64_t kHour = 3'600'000;

class VacuumTest : public TempTableDirTest {
 protected:
  VacuumTest() : TempTableDirTest("vacuum") {}

  /// `commits` appends of 200 rows over 3 suppliers.
  void append(int commits, std::map<std::string, std::string> conf = {}) {
    append_commits(commits, 200, 3, next_ * 200, "", std::move(conf));
    next_ += commits;
  }

  /// Files on disk under the table, relative to it.
  std::set<std::string> on_disk() const {
    std::set<std::string> out;
    for (const auto& e : stdfs::recursive_directory_iterator(dir_ / "t")) {
      if (e.is_regular_file()) out.insert(stdfs::relative(e.path(), dir_ / "t").string());
    }
    return out;
  }

  void plant(const std::string& relative) {
    stdfs::create_directories((dir_ / "t" / relative).parent_path());
    std::ofstream(dir_ / "t" / relative) << "not referenced";
  }

  int64_t rows_at(std::optional<int64_t> version) {
    auto reader = TableReader::open(fs_, "t", version);
    if (!reader.ok()) return -1;
    auto all = reader->read_all();
    return all.ok() ? all->num_rows() : -1;
  }

  int64_t next_ = 0;
};

TEST_F(VacuumTest, DeletesOnlyWhatNoVersionWithinTheRetentionNeeds) {
  append(6);
  ASSERT_TRUE(optimize_table(fs_, "t", {}).ok());               // 18 small files tombstoned, 3 new
  plant("SupplierId=1/part-00000-orphan.c000.snappy.parquet");  // a crashed writer's file
  plant("_hidden_folder/x.parquet");
  plant(".hidden.parquet");
  plant("SupplierId=1/.part-00000-x.crc");
  const int64_t now = wall_clock_ms();

  // Default retention (7 days): everything is recent, nothing goes.
  auto kept = vacuum_table(fs_, "t", {});
  ASSERT_TRUE(kept.ok()) << kept.status().to_string();
  EXPECT_EQ(kept->files_deleted, 0);
  EXPECT_EQ(kept->files_listed, 6 * 3 + 3 + 1);    // tombstoned, live, the orphan
  const std::set<std::string> before = on_disk();  // with that run's START/END commits

  // Two hours later with a 1-hour retention: below the table's, refused unless forced.
  VacuumOptions o;
  o.retain_hours = 1;
  o.now_ms = now + 2 * kHour;
  auto refused = vacuum_table(fs_, "t", o);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("--force"), std::string::npos);

  // Dry run: lists the 18 tombstoned files and the orphan, deletes and commits nothing.
  o.force = true;
  o.dry_run = true;
  const int64_t version_before = Snapshot::load(fs_, "t")->version();
  auto dry = vacuum_table(fs_, "t", o);
  ASSERT_TRUE(dry.ok()) << dry.status().to_string();
  EXPECT_EQ(dry->files_deleted, 19);
  EXPECT_EQ(on_disk(), before);
  EXPECT_EQ(Snapshot::load(fs_, "t")->version(), version_before);
  EXPECT_NE(std::find(dry->paths.begin(), dry->paths.end(),
                      "SupplierId=1/part-00000-orphan.c000.snappy.parquet"),
            dry->paths.end());

  // Within a 24-hour retention the old version still reads; after a 1-hour one it cannot.
  o.dry_run = false;
  o.retain_hours = 24;
  auto within = vacuum_table(fs_, "t", o);
  ASSERT_TRUE(within.ok());
  EXPECT_EQ(within->files_deleted, 0);  // tombstones and the orphan are younger than 24 h
  EXPECT_EQ(rows_at(5), 6 * 200);

  o.retain_hours = 1;
  auto done = vacuum_table(fs_, "t", o);
  ASSERT_TRUE(done.ok()) << done.status().to_string();
  EXPECT_EQ(done->files_deleted, 19);
  std::set<std::string> expected;
  for (const std::string& f : before) {
    if (std::find(dry->paths.begin(), dry->paths.end(), f) == dry->paths.end()) {
      expected.insert(f);
    }
  }
  // Only the listed files went; the log (with the two VACUUM commits) and hidden files stay.
  std::set<std::string> after = on_disk();
  for (const std::string& f : expected) EXPECT_TRUE(after.count(f)) << f << " was deleted";
  for (const std::string& f : dry->paths) EXPECT_FALSE(after.count(f)) << f << " is still there";
  EXPECT_EQ(rows_at(std::nullopt), 6 * 200);  // the latest version reads whole
  EXPECT_EQ(rows_at(5), -1);                  // version 5's files are gone

  auto history = read_history(*fs_, "t", 2);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].info.operation, "VACUUM END");
  EXPECT_EQ((*history)[1].info.operation, "VACUUM START");
  EXPECT_EQ((*history)[1].info.operation_metrics[0],
            (std::pair<std::string, std::string>{"numFilesToDelete", "19"}));
}

TEST_F(VacuumTest, TheTablesRetentionPropertyIsTheDefault) {
  append(2, {{"delta.deletedFileRetentionDuration", "interval 1 hours"}});
  ASSERT_TRUE(optimize_table(fs_, "t", {}).ok());
  VacuumOptions o;
  o.now_ms = wall_clock_ms() + 2 * kHour;
  auto r = vacuum_table(fs_, "t", o);  // no --force needed: this is the table's own retention
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->retention_ms, kHour);
  EXPECT_EQ(r->files_deleted, 6);
}

TEST_F(VacuumTest, LogCleanupKeepsWhatTheNewestOldCheckpointNeeds) {
  append(25);  // checkpoints at 10 and 20 (delta.checkpointInterval 10)
  const int64_t later = wall_clock_ms() + 10'000;
  // A 30-day retention: nothing is old enough.
  auto none = cleanup_expired_logs(*fs_, "t", later);
  ASSERT_TRUE(none.ok()) << none.status().to_string();
  EXPECT_EQ(none->files_deleted, 0);

  auto cleaned = cleanup_log_files(*fs_, "t", 1000, later);
  ASSERT_TRUE(cleaned.ok()) << cleaned.status().to_string();
  EXPECT_EQ(cleaned->oldest_version, 20);
  EXPECT_EQ(cleaned->files_deleted, 20 + 1);  // commits 0..19 and checkpoint 10
  std::set<std::string> log;
  for (const auto& e : stdfs::directory_iterator(dir_ / "t" / "_delta_log")) {
    log.insert(e.path().filename().string());
  }
  EXPECT_FALSE(log.count("00000000000000000019.json"));
  EXPECT_FALSE(log.count("00000000000000000010.checkpoint.parquet"));
  EXPECT_TRUE(log.count("00000000000000000020.json"));
  EXPECT_TRUE(log.count("00000000000000000020.checkpoint.parquet"));
  EXPECT_TRUE(log.count("_last_checkpoint"));

  EXPECT_EQ(rows_at(std::nullopt), 25 * 200);
  EXPECT_EQ(rows_at(20), 21 * 200);
  auto gone = TableReader::open(fs_, "t", 5);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.status().code(), StatusCode::kNotFound);
  EXPECT_NE(gone.status().message().find("cleaned up"), std::string::npos)
      << gone.status().message();
}

TEST_F(VacuumTest, WritersCleanUpTheLogAfterTheirCheckpoints) {
  append(21, {{"delta.logRetentionDuration", "interval 0 seconds"}});
  std::set<std::string> log;
  for (const auto& e : stdfs::directory_iterator(dir_ / "t" / "_delta_log")) {
    log.insert(e.path().filename().string());
  }
  EXPECT_FALSE(log.count("00000000000000000000.json"));
  EXPECT_FALSE(log.count("00000000000000000019.json"));
  EXPECT_TRUE(log.count("00000000000000000020.json"));
  EXPECT_EQ(rows_at(std::nullopt), 21 * 200);

  // With delta.enableExpiredLogCleanup=false nothing is deleted.
  stdfs::remove_all(dir_ / "t");
  append(21, {{"delta.logRetentionDuration", "interval 0 seconds"},
              {"delta.enableExpiredLogCleanup", "false"}});
  EXPECT_TRUE(stdfs::exists(dir_ / "t" / "_delta_log" / "00000000000000000000.json"));
}

TEST(ParseIntervalMs, DeltaRetentionForms) {
  EXPECT_EQ(*parse_interval_ms("interval 1 week"), 7 * 24 * kHour);
  EXPECT_EQ(*parse_interval_ms("interval 30 days"), 30 * 24 * kHour);
  EXPECT_EQ(*parse_interval_ms("168 hours"), 168 * kHour);
  EXPECT_EQ(*parse_interval_ms("INTERVAL 2 DAYS"), 48 * kHour);
  EXPECT_FALSE(parse_interval_ms("interval 1 fortnight").ok());
  EXPECT_FALSE(parse_interval_ms("forever").ok());
}

}  // namespace
}  // namespace lakestream
