// A stream appending to a table with a CHECK constraint (added to the table between two runs,
// as Spark's ALTER TABLE ADD CONSTRAINT commits it): events whose rows break it go to the
// dead-letter table with the constraint's name and values, the others land.

#include "lakestream/delta/actions.h"
#include "stream_test_util.h"

namespace lakestream::testing {
namespace {

using ConstraintsStreamTest = StreamFixture;

/// Commit the next version of `table`: writer version 3 and the CHECK constraint `name`.
void add_constraint(const std::string& table, const std::string& name, const std::string& sql) {
  auto fs = std::make_shared<LocalFileSystem>("/");
  auto log = read_log(*fs, table);
  ASSERT_TRUE(log.ok()) << log.status().to_string();
  CommitActions c;
  ProtocolAction p;
  p.min_reader_version = 1;
  p.min_writer_version = 3;
  c.protocol = p;
  MetadataAction m = *log->metadata;
  m.configuration["delta.constraints." + name] = sql;
  c.metadata = m;
  ASSERT_TRUE(
      fs->write_file(table + "/" + commit_file_path(log->version + 1), serialize_commit(c)).ok());
}

TEST_F(ConstraintsStreamTest, RowsBreakingACheckAreDeadLetteredNamingIt) {
  produce_valid(0, 2);
  ASSERT_TRUE(drain(100).ok());
  add_constraint(table(), "sane_value", "Measurement_Value < 100000");
  produce_valid(0, 1);  // offset 2: 12345
  MeterMessage big;
  big.meter_id = json_string("big");
  big.value = "500000";
  topic_->produce(0, big.json(), "", 1'600'000'000'777);  // offset 3
  produce_valid(0, 1);                                    // offset 4
  ASSERT_TRUE(drain(100).ok());

  TableContent main = read_table(table(), "MeterId");
  EXPECT_EQ(as_set(main.values), (std::multiset<std::string>{"p0-0", "p0-1", "p0-2", "p0-4"}));
  EXPECT_EQ(main.txns.at(query_id_ + "-meters-0"), 4);  // the txn covers the refused event
  EXPECT_EQ(read_table(dead_letter_table(), "offset").values, std::vector<std::string>{"3"});
  EXPECT_EQ(read_table(dead_letter_table(), "reason").values,
            std::vector<std::string>{
                "CHECK constraint sane_value (Measurement_Value < 100000) violated by "
                "Measurement_Value = 500000"});
  EXPECT_EQ(read_table(dead_letter_table(), "field").values,
            std::vector<std::string>{"Measurement_Value"});
  EXPECT_EQ(read_table(dead_letter_table(), "raw").values, std::vector<std::string>{big.json()});
}

}  // namespace
}  // namespace lakestream::testing
