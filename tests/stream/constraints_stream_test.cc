// A stream appending to tables with writer features: a CHECK constraint (added to the table
// between two runs, as Spark's ALTER TABLE ADD CONSTRAINT commits it: events whose rows break
// it go to the dead-letter table with the constraint's name and values, the others land), and
// column mapping (the files get physical names and field ids).

#include "lakestream/delta/actions.h"
#include "lakestream/delta/column_mapping.h"
#include "lakestream/delta/snapshot.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/parquet/parquet_writer.h"
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

TEST_F(ConstraintsStreamTest, AConstraintAddedWhileTheQueryRunsFailsItAndTheRestartEnforcesIt) {
  produce_valid(0, 2);
  ASSERT_TRUE(drain(100).ok());
  MeterMessage big;
  big.meter_id = json_string("big");
  big.value = "500000";
  topic_->produce(0, big.json(), "", 1'600'000'000'777);  // offset 2
  bool added = false;
  Status s = drain(100, [&](std::string_view at, int64_t) -> Status {
    if (at == "written" && !added) {
      added = true;
      add_constraint(table(), "sane_value", "Measurement_Value < 100000");
    }
    return Status::OK();
  });
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("changed its rules to [CHECK constraint sane_value: "
                             "Measurement_Value < 100000]"),
            std::string::npos)
      << s.to_string();
  // Nothing of the batch landed; the restart enforces the constraint.
  EXPECT_EQ(as_set(read_table(table(), "MeterId").values),
            (std::multiset<std::string>{"p0-0", "p0-1"}));
  ASSERT_TRUE(drain(100).ok());
  EXPECT_EQ(as_set(read_table(table(), "MeterId").values),
            (std::multiset<std::string>{"p0-0", "p0-1"}));
  EXPECT_EQ(read_table(dead_letter_table(), "offset").values, std::vector<std::string>{"2"});
}

}  // namespace
}  // namespace lakestream::testing

namespace lakestream::testing {
namespace {

using ColumnMappingStreamTest = StreamFixture;

TEST_F(ColumnMappingStreamTest, AppendsPhysicalNamesToAColumnMappedTable) {
  // Commit 0 by hand: the stream's own schema, every column given an id and a col-<uuid>
  // physical name, mode name (as Spark's CREATE TABLE with column mapping).
  Schema schema = stream(100).schema();
  std::map<std::string, std::string> conf = {{"delta.columnMapping.mode", "name"}};
  ASSERT_TRUE(assign_column_mapping(&schema, &conf).ok());
  CommitActions c;
  ProtocolAction p;
  p.min_reader_version = 2;
  p.min_writer_version = 5;
  c.protocol = p;
  MetadataAction m;
  m.id = "c7a0d3b2-5e1f-4a6b-9c8d-7e6f5a4b3c2d";
  m.schema_string = schema.to_json();
  m.partition_columns = {"SupplierId"};
  m.configuration = conf;
  c.metadata = m;
  auto fs = std::make_shared<LocalFileSystem>("/");
  ASSERT_TRUE(fs->write_file(table() + "/" + commit_file_path(0), serialize_commit(c)).ok());

  produce_each(5);
  ASSERT_TRUE(drain(100).ok());

  // Our reader: logical names, every event once.
  auto reader = TableReader::open(table());
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  auto all = reader->read_all();
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  EXPECT_EQ(all->num_rows(), 15);
  ASSERT_TRUE(all->schema().index_of("MeterId").has_value());
  // The files: physical names only; partitionValues keyed by SupplierId's physical name.
  auto supplier =
      physical_name(schema.field(*schema.index_of("SupplierId")), ColumnMappingMode::kName);
  ASSERT_TRUE(supplier.ok());
  auto snapshot = Snapshot::load(fs, table());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().to_string();
  ASSERT_FALSE(snapshot->files().empty());
  for (const auto& f : snapshot->files()) {
    ASSERT_EQ(f.add.partition_values.size(), 1u);
    EXPECT_EQ(f.add.partition_values[0].first, *supplier);
    auto in = snapshot->file_system().open_input_file(f.path);
    ASSERT_TRUE(in.ok());
    auto pq = ParquetReader::open(std::move(*in));
    ASSERT_TRUE(pq.ok()) << pq.status().to_string();
    for (const Field& field : (*pq)->schema().fields()) {
      EXPECT_TRUE(field.name.starts_with("col-")) << field.name;
      EXPECT_TRUE(parquet_field_id(field).has_value()) << field.name;
    }
  }
}

}  // namespace
}  // namespace lakestream::testing
