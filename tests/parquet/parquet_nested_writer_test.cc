// The Parquet writer's nested columns (structs, 3-level lists, maps at any depth): the footer's
// schema as Spark writes it, Dremel levels and leaf statistics, and round trips through our
// reader, value for value, of hand-made cases and of hundreds of random schemas.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lakestream/parquet/parquet_reader.h"
#include "lakestream/parquet/parquet_writer.h"
#include "parquet/nested_values.h"
#include "parquet/parquet_types.h"
#include "parquet/rle_decoder.h"
#include "parquet/thrift_compact.h"
#include "support/memory_output.h"

namespace lakestream {
namespace {

using testing::NestedRandom;
using testing::value_json;

using testing::MemoryOutput;

class MemoryFile : public RandomAccessFile {
 public:
  explicit MemoryFile(std::string bytes) : bytes_(std::move(bytes)) {}
  Result<int64_t> size() override { return static_cast<int64_t>(bytes_.size()); }
  Status read_at(int64_t offset, int64_t length, void* out) override {
    if (offset < 0 || length < 0 || offset + length > static_cast<int64_t>(bytes_.size())) {
      return Status::IOError("read past the end");
    }
    std::memcpy(out, bytes_.data() + offset, static_cast<size_t>(length));
    return Status::OK();
  }
  const std::string& path() const override { return path_; }

 private:
  std::string bytes_;
  std::string path_ = "nested.parquet";
};

struct Written {
  std::string bytes;
  ParquetFileInfo info;
};

Result<Written> write_file(const RecordBatch& batch, const ParquetWriterOptions& options = {}) {
  Written w;
  LS_ASSIGN_OR_RAISE(auto writer, ParquetWriter::open(std::make_unique<MemoryOutput>(&w.bytes),
                                                      batch.schema(), options));
  LS_RETURN_NOT_OK(writer->write(batch));
  LS_ASSIGN_OR_RAISE(w.info, writer->close());
  return w;
}

/// Every row of every column as canonical JSON, row groups concatenated.
struct Rows {
  Schema schema;
  std::vector<std::vector<std::string>> columns;  // [column][row]
};

Rows rows_of(const RecordBatch& batch, Rows* into = nullptr) {
  Rows local;
  Rows& r = into ? *into : local;
  r.schema = batch.schema();
  r.columns.resize(batch.num_columns());
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    for (int64_t i = 0; i < batch.num_rows(); ++i) {
      r.columns[c].push_back(value_json(*batch.column(c), i));
    }
  }
  return r;
}

Result<Rows> read_back(const std::string& bytes) {
  LS_ASSIGN_OR_RAISE(auto reader, ParquetReader::open(std::make_unique<MemoryFile>(bytes)));
  if (!reader->skipped_columns().empty()) {
    return Status::Corrupt("reader skipped column '" + reader->skipped_columns()[0].name +
                           "': " + reader->skipped_columns()[0].reason);
  }
  Rows out;
  out.schema = reader->schema();
  out.columns.resize(reader->schema().size());
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    LS_ASSIGN_OR_RAISE(RecordBatch b, reader->read_row_group(g));
    for (size_t c = 0; c < b.num_columns(); ++c) {
      for (int64_t i = 0; i < b.num_rows(); ++i) {
        out.columns[c].push_back(value_json(*b.column(c), i));
      }
    }
  }
  return out;
}

/// Write `batch`, read it back with our reader, and expect the same schema and values.
void expect_round_trip(const RecordBatch& batch, const ParquetWriterOptions& options = {},
                       const std::string& what = "") {
  auto written = write_file(batch, options);
  ASSERT_TRUE(written.ok()) << what << written.status().to_string();
  EXPECT_EQ(written->info.num_rows, batch.num_rows()) << what;
  auto back = read_back(written->bytes);
  ASSERT_TRUE(back.ok()) << what << back.status().to_string();
  EXPECT_TRUE(back->schema == batch.schema())
      << what << "read back " << back->schema.to_ddl() << "\nwritten " << batch.schema().to_ddl();
  const Rows want = rows_of(batch);
  ASSERT_EQ(back->columns.size(), want.columns.size()) << what;
  for (size_t c = 0; c < want.columns.size(); ++c) {
    ASSERT_EQ(back->columns[c].size(), want.columns[c].size()) << what << "column " << c;
    int reported = 0;
    for (size_t i = 0; i < want.columns[c].size() && reported < 5; ++i) {
      if (back->columns[c][i] != want.columns[c][i]) {
        ++reported;
        ADD_FAILURE() << what << "column " << batch.schema().field(c).name << " row " << i
                      << ": read " << back->columns[c][i] << ", wrote " << want.columns[c][i];
      }
    }
  }
}

parquet::FileMetaData footer(const std::string& bytes) {
  uint32_t len = 0;
  std::memcpy(&len, bytes.data() + bytes.size() - 8, 4);
  parquet::ThriftCompactReader r(std::string_view(bytes).substr(bytes.size() - 8 - len, len));
  parquet::FileMetaData md;
  EXPECT_TRUE(parquet::read_thrift(r, &md)) << r.error();
  return md;
}

DataTypePtr struct_of(std::vector<Field> fields) { return DataType::struct_(std::move(fields)); }

// ---- the footer's schema --------------------------------------------------------------------

TEST(ParquetNestedWriterTest, SchemaElementsAreTheOnesSparkWrites) {
  Schema schema;
  schema.add("tags", DataType::map(DataType::string(), DataType::int_(), true))
      .add("readings", DataType::array(DataType::double_(), false), false)
      .add("loc", struct_of({{"lat", DataType::double_(), true, "{}"},
                             {"ids", DataType::array(DataType::long_()), false, "{}"}}));
  RecordBatch batch = RecordBatch::make_empty(schema);
  auto w = write_file(batch);
  ASSERT_TRUE(w.ok()) << w.status().to_string();
  const auto md = footer(w->bytes);
  using parquet::ConvertedType;
  using parquet::Repetition;
  struct Want {
    std::string name;
    Repetition rep;
    int children;  // -1: a leaf
    std::optional<ConvertedType> converted;
  };
  const std::vector<Want> want = {
      {"tags", Repetition::kOptional, 1, ConvertedType::kMap},
      {"key_value", Repetition::kRepeated, 2, std::nullopt},
      {"key", Repetition::kRequired, -1, ConvertedType::kUtf8},
      {"value", Repetition::kOptional, -1, std::nullopt},
      {"readings", Repetition::kRequired, 1, ConvertedType::kList},
      {"list", Repetition::kRepeated, 1, std::nullopt},
      {"element", Repetition::kRequired, -1, std::nullopt},
      {"loc", Repetition::kOptional, 2, std::nullopt},
      {"lat", Repetition::kOptional, -1, std::nullopt},
      {"ids", Repetition::kRequired, 1, ConvertedType::kList},
      {"list", Repetition::kRepeated, 1, std::nullopt},
      {"element", Repetition::kOptional, -1, std::nullopt},
  };
  ASSERT_EQ(md.schema.size(), want.size() + 1);
  EXPECT_EQ(md.schema[0].num_children, 3);
  for (size_t i = 0; i < want.size(); ++i) {
    const auto& e = md.schema[i + 1];
    EXPECT_EQ(e.name, want[i].name) << i;
    EXPECT_EQ(e.repetition, want[i].rep) << e.name;
    if (want[i].children < 0) {
      EXPECT_FALSE(e.num_children.has_value()) << e.name;
      EXPECT_TRUE(e.type.has_value()) << e.name;
    } else {
      EXPECT_EQ(e.num_children, want[i].children) << e.name;
      EXPECT_FALSE(e.type.has_value()) << e.name;
    }
    EXPECT_EQ(e.converted_type, want[i].converted) << e.name;
  }
  EXPECT_EQ(md.schema[1].logical_type.kind, parquet::LogicalType::Kind::kMap);
  EXPECT_EQ(md.schema[5].logical_type.kind, parquet::LogicalType::Kind::kList);
  // One TYPE_ORDER per leaf: tags.key, tags.value, readings.element, loc.lat, loc.ids.element.
  EXPECT_EQ(md.column_orders.size(), 5u);
}

// ---- levels and statistics -------------------------------------------------------------------

TEST(ParquetNestedWriterTest, LeafStatisticsCountEveryLevelEntryWithoutAValue) {
  Schema schema;
  schema.add("a", DataType::array(DataType::int_()));
  RecordBatch batch = RecordBatch::make_empty(schema);
  Column& a = batch.mutable_column(0);
  Column& e = a.mutable_child(0);
  e.append<int32_t>(7);  // [7, -2]
  e.append<int32_t>(-2);
  a.append_list_end();
  a.append_list_end();  // []
  a.append_null();      // null
  e.append_null();      // [null, 40]
  e.append<int32_t>(40);
  a.append_list_end();
  auto w = write_file(batch);
  ASSERT_TRUE(w.ok()) << w.status().to_string();
  ASSERT_EQ(w->info.columns.size(), 1u);
  EXPECT_EQ(w->info.columns[0].null_count, 1);  // the null list
  EXPECT_FALSE(w->info.columns[0].min.has_value());
  ASSERT_EQ(w->info.leaves.size(), 1u);
  const ParquetColumnStats& leaf = w->info.leaves[0];
  EXPECT_EQ(leaf.name, "a.list.element");
  EXPECT_EQ(leaf.null_count, 3);  // [], null, the null element
  EXPECT_EQ(std::get<int32_t>(*leaf.min), -2);
  EXPECT_EQ(std::get<int32_t>(*leaf.max), 40);
  const auto md = footer(w->bytes);
  ASSERT_EQ(md.row_groups.size(), 1u);
  const auto& cm = md.row_groups[0].columns[0].meta_data;
  EXPECT_EQ(cm.num_values, 6);  // level entries: 7, -2, [], null, null, 40
  EXPECT_EQ((cm.path_in_schema), (std::vector<std::string>{"a", "list", "element"}));
  ASSERT_TRUE(cm.statistics.has_value());
  EXPECT_EQ(cm.statistics->null_count, 3);
  expect_round_trip(batch);
}

TEST(ParquetNestedWriterTest, FlatSchemaLeavesAreItsColumns) {
  Schema schema;
  schema.add("x", DataType::long_()).add("s", DataType::string());
  RecordBatch batch = RecordBatch::make_empty(schema);
  batch.mutable_column(0).append<int64_t>(5);
  batch.mutable_column(1).append_null();
  auto w = write_file(batch);
  ASSERT_TRUE(w.ok()) << w.status().to_string();
  ASSERT_EQ(w->info.leaves.size(), 2u);
  EXPECT_EQ(w->info.leaves[0].name, "x");
  EXPECT_EQ(std::get<int64_t>(*w->info.leaves[0].max), 5);
  EXPECT_EQ(w->info.leaves[1].null_count, 1);
}

// ---- hand-made round trips -------------------------------------------------------------------

struct Case {
  std::string name;
  std::function<RecordBatch()> make;
  /// The first row's JSON, as a check that the case holds what it says.
  std::string first_row;
};

RecordBatch list_of_struct_of_list() {
  const auto inner = struct_of({{"id", DataType::int_(), false, "{}"},
                                {"xs", DataType::array(DataType::string()), true, "{}"}});
  Schema schema;
  schema.add("l", DataType::array(inner));
  RecordBatch b = RecordBatch::make_empty(schema);
  Column& l = b.mutable_column(0);
  Column& s = l.mutable_child(0);
  // [{1, ["a", null]}, null, {2, []}, {3, null}]
  s.append_struct_valid();
  s.mutable_child(0).append<int32_t>(1);
  s.mutable_child(1).mutable_child(0).append_string("a");
  s.mutable_child(1).mutable_child(0).append_null();
  s.mutable_child(1).append_list_end();
  s.append_null();
  s.append_struct_valid();
  s.mutable_child(0).append<int32_t>(2);
  s.mutable_child(1).append_list_end();
  s.append_struct_valid();
  s.mutable_child(0).append<int32_t>(3);
  s.mutable_child(1).append_null();
  l.append_list_end();
  l.append_null();
  l.append_list_end();  // []
  return b;
}

RecordBatch map_of_struct() {
  const auto v = struct_of(
      {{"n", DataType::long_(), true, "{}"}, {"d", DataType::decimal(20, 4), true, "{}"}});
  Schema schema;
  schema.add("m", DataType::map(DataType::string(), v, true));
  RecordBatch b = RecordBatch::make_empty(schema);
  Column& m = b.mutable_column(0);
  // {"a": {5, 1.0000}, "b": null, "c": {null, -2.5000}}
  m.mutable_child(0).append_string("a");
  m.mutable_child(1).append_struct_valid();
  m.mutable_child(1).mutable_child(0).append<int64_t>(5);
  m.mutable_child(1).mutable_child(1).append_decimal(10000);
  m.mutable_child(0).append_string("b");
  m.mutable_child(1).append_null();
  m.mutable_child(0).append_string("c");
  m.mutable_child(1).append_struct_valid();
  m.mutable_child(1).mutable_child(0).append_null();
  m.mutable_child(1).mutable_child(1).append_decimal(-25000);
  m.append_list_end();
  m.append_null();
  m.append_list_end();
  return b;
}

RecordBatch map_with_null_values() {
  Schema schema;
  schema.add("m", DataType::map(DataType::int_(), DataType::string(), true));
  schema.add("req", DataType::map(DataType::string(), DataType::double_(), false), false);
  RecordBatch b = RecordBatch::make_empty(schema);
  Column& m = b.mutable_column(0);
  Column& r = b.mutable_column(1);
  for (int row = 0; row < 5; ++row) {
    for (int k = 0; k < row; ++k) {
      m.mutable_child(0).append<int32_t>(k);
      if ((row + k) % 2 == 0) {
        m.mutable_child(1).append_null();
      } else {
        m.mutable_child(1).append_string(testing::tagged("v", k));
      }
      r.mutable_child(0).append_string(testing::tagged("k", k));
      r.mutable_child(1).append<double>(k * 0.5);
    }
    m.append_list_end();
    r.append_list_end();
  }
  return b;
}

RecordBatch empty_and_null_lists() {
  Schema schema;
  schema.add("a", DataType::array(DataType::array(DataType::int_())));
  RecordBatch b = RecordBatch::make_empty(schema);
  Column& a = b.mutable_column(0);
  Column& inner = a.mutable_child(0);
  a.append_list_end();  // []
  a.append_null();      // null
  inner.append_list_end();
  inner.append_null();
  inner.append_list_end();
  a.append_list_end();  // [[], null, []]
  inner.mutable_child(0).append<int32_t>(1);
  inner.mutable_child(0).append_null();
  inner.append_list_end();
  a.append_list_end();  // [[1, null]]
  a.append_list_end();  // []
  return b;
}

RecordBatch null_elements() {
  Schema schema;
  schema.add("s", DataType::array(DataType::string(), true))
      .add("b", DataType::array(DataType::boolean(), true));
  RecordBatch b = RecordBatch::make_empty(schema);
  for (int row = 0; row < 40; ++row) {
    for (int k = 0; k < row % 6; ++k) {
      if ((row * 7 + k) % 3 == 0) {
        b.mutable_column(0).mutable_child(0).append_null();
        b.mutable_column(1).mutable_child(0).append_null();
      } else {
        b.mutable_column(0).mutable_child(0).append_string(testing::tagged("e", row % 4));
        b.mutable_column(1).mutable_child(0).append_bool((row + k) % 2 == 0);
      }
    }
    b.mutable_column(0).append_list_end();
    b.mutable_column(1).append_list_end();
  }
  return b;
}

RecordBatch struct_with_null_members() {
  const auto inner = struct_of({{"x", DataType::int_(), true, "{}"}});
  Schema schema;
  schema.add("s", struct_of({{"a", DataType::string(), true, "{}"},
                             {"req", DataType::int_(), false, "{}"},
                             {"in", inner, true, "{}"}}));
  RecordBatch b = RecordBatch::make_empty(schema);
  Column& s = b.mutable_column(0);
  s.append_struct_valid();  // {null, 1, {null}}
  s.mutable_child(0).append_null();
  s.mutable_child(1).append<int32_t>(1);
  s.mutable_child(2).append_struct_valid();
  s.mutable_child(2).mutable_child(0).append_null();
  s.append_null();          // null: its members null too, the required one included (column.h)
  s.append_struct_valid();  // {"z", 3, null}
  s.mutable_child(0).append_string("z");
  s.mutable_child(1).append<int32_t>(3);
  s.mutable_child(2).append_null();
  return b;
}

RecordBatch nested_typed_values() {
  const auto rec = struct_of({{"d9", DataType::decimal(9, 2), true, "{}"},
                              {"d18", DataType::decimal(18, 0), true, "{}"},
                              {"d38", DataType::decimal(38, 10), true, "{}"},
                              {"ts", DataType::timestamp(), true, "{}"},
                              {"ntz", DataType::timestamp_ntz(), true, "{}"},
                              {"day", DataType::date(), true, "{}"},
                              {"bin", DataType::binary(), true, "{}"},
                              {"i8", DataType::byte(), true, "{}"},
                              {"i16", DataType::short_(), true, "{}"},
                              {"f", DataType::float_(), true, "{}"}});
  Schema schema;
  schema.add("r", DataType::array(rec));
  RecordBatch b = RecordBatch::make_empty(schema);
  Column& r = b.mutable_column(0);
  Column& s = r.mutable_child(0);
  for (int row = 0; row < 30; ++row) {
    for (int k = 0; k < row % 4; ++k) {
      const int n = row * 10 + k;
      s.append_struct_valid();
      s.mutable_child(0).append_decimal(n % 5 == 0 ? -999999999 : n * 101);
      s.mutable_child(1).append_decimal(int128_t{n} * 1000000000000LL);
      s.mutable_child(2).append_decimal((int128_t{n} << 100) - 12345);
      s.mutable_child(3).append<int64_t>(1611052380000000LL + n);
      s.mutable_child(4).append<int64_t>(-86400000000LL * n);
      s.mutable_child(5).append<int32_t>(18000 + n);
      s.mutable_child(6).append_string(std::string("\x00\xff", 2) + std::to_string(n));
      s.mutable_child(7).append<int8_t>(static_cast<int8_t>(n));
      s.mutable_child(8).append<int16_t>(static_cast<int16_t>(-n * 100));
      if (n % 3 == 0) {
        s.mutable_child(9).append_null();
      } else {
        s.mutable_child(9).append<float>(n * 0.25f);
      }
    }
    r.append_list_end();
  }
  return b;
}

class NestedRoundTripTest : public ::testing::TestWithParam<Case> {};

TEST_P(NestedRoundTripTest, ReadsBackIdentically) {
  const RecordBatch batch = GetParam().make();
  std::string first;
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    if (c > 0) first += " | ";
    first += value_json(*batch.column(c), 0);
  }
  EXPECT_EQ(first, GetParam().first_row);
  for (const auto codec : {ParquetCompression::kNone, ParquetCompression::kSnappy}) {
    for (const bool dictionary : {true, false}) {
      ParquetWriterOptions options;
      options.compression = codec;
      options.enable_dictionary = dictionary;
      expect_round_trip(batch, options,
                        std::string(parquet_compression_name(codec)) +
                            (dictionary ? " dictionary: " : " plain: "));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NestedRoundTripTest,
    ::testing::Values(
        Case{"list_of_struct_of_list", list_of_struct_of_list,
             R"([{"id":1,"xs":["a",null]},null,{"id":2,"xs":[]},{"id":3,"xs":null}])"},
        Case{"map_of_struct", map_of_struct,
             R"([["a",{"n":"5","d":"1.0000"}],["b",null],["c",{"n":null,"d":"-2.5000"}]])"},
        Case{"map_with_null_values", map_with_null_values, "[] | []"},
        Case{"empty_and_null_lists", empty_and_null_lists, "[]"},
        Case{"null_elements", null_elements, "[] | []"},
        Case{"struct_with_null_members", struct_with_null_members,
             R"({"a":null,"req":1,"in":{"x":null}})"},
        Case{"nested_decimals_timestamps_dates_binary", nested_typed_values, "[]"}),
    [](const auto& info) { return info.param.name; });

// ---- pages, row groups, dictionary fallback ---------------------------------------------------

/// Rows of list<struct<k:string,v:long>> whose strings are mostly distinct, so a small
/// dictionary fills in the middle of a row.
RecordBatch many_rows(int rows, int first = 0) {
  Schema schema;
  schema.add("id", DataType::long_(), false)
      .add("events", DataType::array(struct_of({{"k", DataType::string(), true, "{}"},
                                                {"v", DataType::long_(), true, "{}"}})))
      .add("tags", DataType::map(DataType::string(), DataType::string()));
  RecordBatch b = RecordBatch::make_empty(schema);
  for (int row = first; row < first + rows; ++row) {
    b.mutable_column(0).append<int64_t>(row);
    Column& ev = b.mutable_column(1);
    if (row % 13 == 5) {
      ev.append_null();
    } else {
      Column& s = ev.mutable_child(0);
      for (int k = 0; k < row % 7; ++k) {
        s.append_struct_valid();
        s.mutable_child(0).append_string(testing::tagged("key-", (row * 31 + k) % 5000));
        if (k == 2) {
          s.mutable_child(1).append_null();
        } else {
          s.mutable_child(1).append<int64_t>(row * 1000LL + k);
        }
      }
      ev.append_list_end();
    }
    Column& t = b.mutable_column(2);
    for (int k = 0; k < row % 3; ++k) {
      t.mutable_child(0).append_string(testing::tagged("t", k));
      t.mutable_child(1).append_string(testing::tagged("value ", row % 97));
    }
    t.append_list_end();
  }
  return b;
}

TEST(ParquetNestedWriterTest, ManyPagesRowGroupsAndDictionaryFallbackReadBack) {
  // Ten batches, so the writer checks the row group size between them.
  std::vector<RecordBatch> batches;
  for (int i = 0; i < 10; ++i) batches.push_back(many_rows(2000, i * 2000));
  ParquetWriterOptions options;
  options.page_target_bytes = 4096;
  options.page_row_limit = 700;
  options.row_group_target_bytes = 16 << 10;
  options.dictionary_page_limit_bytes = 6000;  // fills up mid-chunk, mid-row
  std::string bytes;
  auto writer =
      ParquetWriter::open(std::make_unique<MemoryOutput>(&bytes), batches[0].schema(), options);
  ASSERT_TRUE(writer.ok()) << writer.status().to_string();
  Rows want;
  for (const RecordBatch& b : batches) {
    ASSERT_TRUE((*writer)->write(b).ok());
    const Rows part = rows_of(b);
    want.columns.resize(part.columns.size());
    for (size_t c = 0; c < part.columns.size(); ++c) {
      want.columns[c].insert(want.columns[c].end(), part.columns[c].begin(), part.columns[c].end());
    }
  }
  auto info = (*writer)->close();
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  EXPECT_GT(info->num_row_groups, 1);
  const auto md = footer(bytes);
  bool fell_back = false;
  int64_t pages_checked = 0;
  for (const auto& rg : md.row_groups) {
    for (const auto& c : rg.columns) {
      const auto& enc = c.meta_data.encodings;
      const bool dict =
          std::find(enc.begin(), enc.end(), parquet::Encoding::kRleDictionary) != enc.end();
      const bool plain = std::find(enc.begin(), enc.end(), parquet::Encoding::kPlain) != enc.end();
      if (dict && plain && c.meta_data.path_in_schema.back() == "k") fell_back = true;
      ++pages_checked;
    }
  }
  EXPECT_EQ(pages_checked, static_cast<int64_t>(md.row_groups.size()) * 5);  // 5 leaves
  EXPECT_TRUE(fell_back) << "no chunk of events.k fell back from dictionary to PLAIN";
  auto back = read_back(bytes);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  ASSERT_EQ(back->columns.size(), want.columns.size());
  for (size_t c = 0; c < want.columns.size(); ++c) {
    EXPECT_TRUE(back->columns[c] == want.columns[c]) << "column " << c << " differs";
  }
}

TEST(ParquetNestedWriterTest, PagesEndBetweenRows) {
  // Tiny pages, uncompressed and PLAIN, so the pages can be walked here: every data page of a
  // repeated leaf must begin a row (its first repetition level is 0), and the level entries of
  // the pages add up to the chunk's. 9,000 rows: the writer shreds 4,096 rows at a time, so
  // pages go on across those slices too.
  const RecordBatch batch = many_rows(9000);
  ParquetWriterOptions options;
  options.compression = ParquetCompression::kNone;
  options.enable_dictionary = false;
  options.page_target_bytes = 64;
  auto w = write_file(batch, options);
  ASSERT_TRUE(w.ok()) << w.status().to_string();
  const auto md = footer(w->bytes);
  int64_t repeated_pages = 0;
  for (const auto& rg : md.row_groups) {
    for (const auto& c : rg.columns) {
      const auto& cm = c.meta_data;
      const bool repeated = cm.path_in_schema.size() > 1;
      int64_t pos = cm.data_page_offset, levels = 0;
      while (levels < cm.num_values) {
        parquet::ThriftCompactReader r(std::string_view(w->bytes).substr(static_cast<size_t>(pos)));
        parquet::PageHeader h;
        ASSERT_TRUE(parquet::read_thrift(r, &h)) << r.error();
        ASSERT_TRUE(h.data_page_header.has_value());
        const auto* body = reinterpret_cast<const uint8_t*>(w->bytes.data()) + pos + r.position();
        if (repeated) {
          uint32_t len = 0;
          std::memcpy(&len, body, 4);
          parquet::RleDecoder rep(body + 4, len, 1);  // max_rep 1 in this schema
          uint32_t first = 99;
          ASSERT_TRUE(rep.get(&first, 1));
          EXPECT_EQ(first, 0u) << cm.path_in_schema.back() << " page at " << pos;
          ++repeated_pages;
        }
        levels += h.data_page_header->num_values;
        pos += static_cast<int64_t>(r.position()) + h.compressed_page_size;
      }
      EXPECT_EQ(levels, cm.num_values);
    }
  }
  EXPECT_GT(repeated_pages, 100);
  expect_round_trip(batch, options);
}

// ---- what the writer refuses ------------------------------------------------------------------

TEST(ParquetNestedWriterTest, NullWhereTheSchemaForbidsOneIsRefusedNamingThePath) {
  Schema schema;
  schema.add("a", DataType::array(struct_of({{"req", DataType::int_(), false, "{}"}})));
  RecordBatch batch = RecordBatch::make_empty(schema);
  Column& s = batch.mutable_column(0).mutable_child(0);
  s.append_struct_valid();
  s.mutable_child(0).append_null();
  batch.mutable_column(0).append_list_end();
  auto w = write_file(batch);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(w.status().message().find("'a.element.req'"), std::string::npos)
      << w.status().message();
}

TEST(ParquetNestedWriterTest, NullMapKeyIsRefused) {
  Schema schema;
  schema.add("m", DataType::map(DataType::string(), DataType::int_()));
  RecordBatch batch = RecordBatch::make_empty(schema);
  Column& m = batch.mutable_column(0);
  m.mutable_child(0).append_null();
  m.mutable_child(1).append<int32_t>(1);
  m.append_list_end();
  auto w = write_file(batch);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("'m.key' holds a null map key"), std::string::npos)
      << w.status().message();
}

// ---- random schemas ---------------------------------------------------------------------------

TEST(ParquetNestedWriterTest, RandomSchemasReadBackValueForValue) {
  constexpr int kSchemas = 400;
  int nested = 0, multi_group = 0;
  for (int seed = 1; seed <= kSchemas; ++seed) {
    const testing::RandomCase c = testing::random_case(static_cast<uint64_t>(seed));
    for (const Field& f : c.schema.fields()) nested += f.type->is_nested();
    const std::string what = testing::tagged("seed ", seed) + " " + c.schema.to_ddl() + ": ";
    std::string bytes;
    auto writer = ParquetWriter::open(std::make_unique<MemoryOutput>(&bytes), c.schema, c.options);
    ASSERT_TRUE(writer.ok()) << what << writer.status().to_string();
    Rows want;
    want.columns.resize(c.schema.size());
    for (const RecordBatch& b : c.batches) {
      const Status st = (*writer)->write(b);
      ASSERT_TRUE(st.ok()) << what << st.to_string();
      rows_of(b, &want);
    }
    auto info = (*writer)->close();
    ASSERT_TRUE(info.ok()) << what << info.status().to_string();
    multi_group += info->num_row_groups > 1;
    auto back = read_back(bytes);
    ASSERT_TRUE(back.ok()) << what << back.status().to_string();
    EXPECT_TRUE(back->schema == c.schema) << what << "read back " << back->schema.to_ddl();
    ASSERT_EQ(back->columns.size(), want.columns.size()) << what;
    for (size_t col = 0; col < want.columns.size(); ++col) {
      ASSERT_EQ(back->columns[col].size(), want.columns[col].size()) << what << "column " << col;
      for (size_t i = 0; i < want.columns[col].size(); ++i) {
        ASSERT_EQ(back->columns[col][i], want.columns[col][i])
            << what << "column " << col << " row " << i;
      }
    }
  }
  // The generator does make nested columns, and files of several row groups.
  EXPECT_GT(nested, kSchemas / 2);
  EXPECT_GT(multi_group, kSchemas / 10);
}

}  // namespace
}  // namespace lakestream
