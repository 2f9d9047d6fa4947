// The Delta sink with schema evolution: the merge-schema option (and Spark's mergeSchema), the
// engine setting behind it, and a concurrent merge while a batch is being committed.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lakestream/stream/data_stream_writer.h"
#include "stream_test_util.h"

namespace lakestream::testing {
namespace {

/// The stream's flattened schema without its last nullable, non-partition column: the schema
/// of a table an older version of the job wrote. `dropped` gets that column's name.
Schema narrower(const Schema& schema, std::string* dropped) {
  size_t drop = schema.size();
  for (size_t i = schema.size(); i-- > 0;) {
    if (schema.field(i).nullable && schema.field(i).name != "SupplierId") {
      drop = i;
      break;
    }
  }
  EXPECT_LT(drop, schema.size()) << "no nullable column to drop in " << schema.to_ddl();
  Schema out;
  for (size_t i = 0; i < schema.size(); ++i) {
    if (i == drop) {
      *dropped = schema.field(i).name;
    } else {
      out.add(schema.field(i));
    }
  }
  return out;
}

/// The metaData action of commit `version` of the table at `path`, or null.
nlohmann::json metadata_at(const std::string& path, int64_t version) {
  auto fs = std::make_shared<LocalFileSystem>("/");
  auto text = fs->read_file(join_path(path, commit_file_path(version)));
  EXPECT_TRUE(text.ok()) << text.status().to_string();
  if (!text.ok()) return nullptr;
  size_t start = 0;
  while (start < text->size()) {
    size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    auto line = nlohmann::json::parse(text->substr(start, end - start));
    if (line.contains("metaData")) return line["metaData"];
    start = end + 1;
  }
  return nullptr;
}

class SchemaEvolutionStream : public StreamFixture {
 protected:
  /// Create the table with the stream's schema less one column (version 0, no files).
  void create_narrow_table() {
    const Schema full = stream(0).schema();
    const Schema narrow = narrower(full, &new_column_);
    auto fs = std::make_shared<LocalFileSystem>("/");
    auto t = DeltaTable::open_or_create(fs, table(), {narrow, {"SupplierId"}, {}});
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    ASSERT_TRUE(t->begin().commit("CREATE TABLE").ok());
  }

  Status drain_with(const std::string& key, const std::string& value, StreamTestHook hook = {}) {
    auto q = writer(stream(0)).option(key, value).test_hook(std::move(hook)).start(table());
    if (!q.ok()) return q.status();
    auto done = q->await_termination(30);
    if (!done.ok()) return done.status();
    if (!*done) return Status::Internal("query did not end in 30 s");
    return Status::OK();
  }

  std::string new_column_;
};

TEST_F(SchemaEvolutionStream, WiderStreamNeedsMergeSchema) {
  create_narrow_table();
  produce_each(5);
  Status refused = drain(0);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("adds columns `" + new_column_ + "`"), std::string::npos)
      << refused.to_string();
  EXPECT_NE(refused.message().find("set mergeSchema (--merge-schema)"), std::string::npos);
}

TEST_F(SchemaEvolutionStream, SparksMergeSchemaOptionWidensTheTableOnce) {
  create_narrow_table();
  produce_each(5);
  Status s = drain_with("mergeSchema", "true");
  ASSERT_TRUE(s.ok()) << s.to_string();
  TableContent t = read_table(table(), "MeterId");
  EXPECT_EQ(t.values.size(), 15u);
  // Version 1 (the stream's first commit) carries the widened schema; no later one repeats it.
  nlohmann::json m = metadata_at(table(), 1);
  ASSERT_FALSE(m.is_null());
  auto schema = Schema::from_json(m["schemaString"].get<std::string>());
  ASSERT_TRUE(schema.ok());
  EXPECT_TRUE(schema->has_field(new_column_));
  EXPECT_EQ(m["id"], metadata_at(table(), 0)["id"]);
  for (int64_t v = 2; v < t.versions; ++v) EXPECT_TRUE(metadata_at(table(), v).is_null()) << v;
}

TEST_F(SchemaEvolutionStream, BadMergeSchemaValueIsRefused) {
  create_narrow_table();
  Status s = drain_with("merge-schema", "maybe");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("merge-schema: 'maybe'"), std::string::npos) << s.to_string();
}

TEST_F(SchemaEvolutionStream, ConcurrentMergeOfTheSameColumnDoesNotFailTheStream) {
  create_narrow_table();
  produce_each(5);
  const Schema full = stream(0).schema();
  bool raced = false;
  Status s = drain_with("merge-schema", "true", [&](std::string_view at, int64_t) -> Status {
    if (at != "written" || raced) return Status::OK();
    raced = true;
    // Another instance of the job, upgraded too, widens the table first.
    auto fs = std::make_shared<LocalFileSystem>("/");
    TableCreateOptions o{full, {"SupplierId"}, {}};
    o.merge_schema = true;
    LS_ASSIGN_OR_RAISE(DeltaTable other, DeltaTable::open_or_create(fs, table(), o));
    return other.begin().commit("STREAMING UPDATE").status();
  });
  ASSERT_TRUE(s.ok()) << s.to_string();
  ASSERT_TRUE(raced);
  TableContent t = read_table(table(), "MeterId");
  EXPECT_EQ(t.values.size(), 15u);
  // Only the other instance's commit (version 1) changed the schema.
  ASSERT_FALSE(metadata_at(table(), 1).is_null());
  for (int64_t v = 2; v < t.versions; ++v) EXPECT_TRUE(metadata_at(table(), v).is_null()) << v;
}

TEST_F(SchemaEvolutionStream, ConcurrentMergeRightBeforeTheCommitIsAbsorbedByIt) {
  create_narrow_table();
  produce_each(5);
  topic_->produce(0, "{\"MeterId\": \"x\"}", "", 1'600'000'000'123);  // a dead letter
  const Schema full = stream(0).schema();
  bool raced = false;
  // "dead-letter-committed" comes after the sink's pre-commit refresh: the other instance's
  // metaData takes the version the batch's commit was going to have, so commit() itself has
  // to merge into it.
  int written = 0, committed = 0;
  Status s = drain_with("merge-schema", "true", [&](std::string_view at, int64_t) -> Status {
    written += at == "written";
    committed += at == "committed";
    if (at != "dead-letter-committed" || raced) return Status::OK();
    raced = true;
    auto fs = std::make_shared<LocalFileSystem>("/");
    TableCreateOptions o{full, {"SupplierId"}, {}};
    o.merge_schema = true;
    LS_ASSIGN_OR_RAISE(DeltaTable other, DeltaTable::open_or_create(fs, table(), o));
    return other.begin().commit("STREAMING UPDATE").status();
  });
  ASSERT_TRUE(s.ok()) << s.to_string();
  ASSERT_TRUE(raced);
  TableContent t = read_table(table(), "MeterId");
  EXPECT_EQ(t.values.size(), 15u);
  ASSERT_FALSE(metadata_at(table(), 1).is_null());
  for (int64_t v = 2; v < t.versions; ++v) EXPECT_TRUE(metadata_at(table(), v).is_null()) << v;
  EXPECT_EQ(read_table(dead_letter_table(), "offset").values.size(), 1u);
  // No batch was dropped and written again (what a Conflict would have caused).
  EXPECT_EQ(written, committed);
}

TEST(MergeSchemaEnabledTest, OptionThenEngineSettingThenOff) {
  ArgParser parser("job", "");
  auto on = parser.parse({"--conf", std::string(kSchemaAutoMergeSetting) + "=true"});
  ASSERT_TRUE(on.ok()) << on.status().to_string();
  auto none = parser.parse(std::vector<std::string>{});
  ASSERT_TRUE(none.ok()) << none.status().to_string();
  EXPECT_FALSE(*merge_schema_enabled({}, *none));
  EXPECT_TRUE(*merge_schema_enabled({}, *on));
  EXPECT_FALSE(*merge_schema_enabled({{"merge-schema", "false"}}, *on));
  EXPECT_TRUE(*merge_schema_enabled({{"merge-schema", "true"}}, *none));
  auto bad = parser.parse({"--conf", std::string(kSchemaAutoMergeSetting) + "=sometimes"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("true or false"), std::string::npos);
}

}  // namespace
}  // namespace lakestream::testing
