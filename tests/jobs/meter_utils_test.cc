// Tests of the sample jobs' package (jobs/meter_utils): the meter schema, has_column,
// filter_by_supplier, the data generator's mapping and JSON, store_data writing a partitioned
// Delta table, and reading one supplier's partition back.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lakestream/batch/column.h"
#include "lakestream/batch/show.h"
#include "lakestream/common/time.h"
#include "lakestream/delta/snapshot.h"
#include "lakestream/json/json_decoder.h"
#include "lakestream/storage/local_file_system.h"
#include "meter_utils/meter_utils.h"
#include "meter_utils/storage_options.h"
#include "support/message_factory.h"

namespace lakestream::meter {
namespace {

using lakestream::testing::generated_meter_message;
using lakestream::testing::json_string;
using lakestream::testing::MeterMessage;

// A batch of the meter schema decoded from NDJSON; every line must be valid.
RecordBatch decode_text(const std::string& ndjson) {
  auto decoder = JsonDecoder::make(meter_schema());
  EXPECT_TRUE(decoder.ok()) << decoder.status().to_string();
  RecordBatch batch = RecordBatch::make_empty(meter_schema());
  std::vector<RejectedRecord> rejects;
  const Status st = decoder->decode_ndjson(ndjson, "test", &batch, &rejects);
  EXPECT_TRUE(st.ok()) << st.to_string();
  EXPECT_TRUE(rejects.empty()) << rejects.size() << " rejected";
  return batch;
}

// A batch of the meter schema decoded from factory messages (the original's fixture style).
RecordBatch decode(const std::vector<MeterMessage>& messages) {
  std::string ndjson;
  for (const auto& m : messages) ndjson += m.json() + "\n";
  return decode_text(ndjson);
}

RecordBatch decode_one(const std::string& json) { return decode_text(json + "\n"); }

// One cell as show() prints it.
std::string cell(const RecordBatch& batch, size_t column) {
  return cell_string(*batch.column(column), 0);
}

MeterMessage supplier(std::string id) {
  MeterMessage m;
  m.supplier_id = json_string(id);
  return m;
}

TEST(MeterSchema, IsTheOriginalsSchema) {
  EXPECT_EQ(meter_schema(), lakestream::testing::meter_schema());
  // The same schema the repository ships as DDL for the CLI (schemas/meter_reading.ddl).
  auto ddl = Schema::from_ddl(
      "MeterId STRING NOT NULL, SupplierId STRING NOT NULL, Measurement STRUCT<Value: "
      "DECIMAL(10,0) NOT NULL, Unit: STRING> NOT NULL, ObservationTime TIMESTAMP NOT NULL");
  ASSERT_TRUE(ddl.ok()) << ddl.status().to_string();
  EXPECT_EQ(meter_schema(), *ddl);
}

struct HasColumnCase {
  std::string name;
  std::string column;
  bool expected;
};

class HasColumn : public ::testing::TestWithParam<HasColumnCase> {};

TEST_P(HasColumn, OnTheMeterSchemaAndItsBatch) {
  EXPECT_EQ(has_column(meter_schema(), GetParam().column), GetParam().expected);
  EXPECT_EQ(has_column(decode({MeterMessage{}}), GetParam().column), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Columns, HasColumn,
    ::testing::Values(HasColumnCase{"TopLevel", "MeterId", true},
                      HasColumnCase{"NestedStruct", "Measurement", true},
                      HasColumnCase{"NestedMember", "Measurement.Value", true},
                      HasColumnCase{"MissingNestedMember", "Measurement.Missing", false},
                      HasColumnCase{"InsideNonStruct", "MeterId.Value", false},
                      HasColumnCase{"FlattenedNameIsNotNested", "Measurement_Value", false},
                      HasColumnCase{"CaseMatters", "meterid", false},
                      HasColumnCase{"Empty", "", false}),
    [](const auto& info) { return info.param.name; });

struct FilterCase {
  std::string name;
  std::vector<std::string> suppliers;
  std::string wanted;
  int64_t expected_rows;
};

class FilterBySupplier : public ::testing::TestWithParam<FilterCase> {};

TEST_P(FilterBySupplier, KeepsExactlyThatSuppliersRows) {
  std::vector<MeterMessage> messages;
  for (const auto& s : GetParam().suppliers) messages.push_back(supplier(s));
  auto filtered = filter_by_supplier(decode(messages), GetParam().wanted);
  ASSERT_TRUE(filtered.ok()) << filtered.status().to_string();
  ASSERT_EQ(filtered->num_rows(), GetParam().expected_rows);
  const Column& ids = *filtered->column_by_name("SupplierId");
  for (int64_t r = 0; r < ids.length(); ++r) EXPECT_EQ(ids.string_value(r), GetParam().wanted);
  EXPECT_EQ(filtered->schema(), meter_schema());
}

INSTANTIATE_TEST_SUITE_P(
    Suppliers, FilterBySupplier,
    ::testing::Values(FilterCase{"OneOfMany", {"19", "23", "19", "7"}, "19", 2},
                      FilterCase{"NoneMatch", {"1", "2"}, "19", 0},
                      FilterCase{"AllMatch", {"19", "19"}, "19", 2},
                      FilterCase{"NoPrefixMatch", {"190", "1", "19"}, "19", 1},
                      FilterCase{"EmptyBatch", {}, "19", 0}),
    [](const auto& info) { return info.param.name; });

TEST(FilterBySupplierErrors, NamesTheMissingColumn) {
  RecordBatch batch(Schema().add("Other", DataType::string()), {Column::make(DataType::string())});
  auto filtered = filter_by_supplier(batch, "19");
  ASSERT_FALSE(filtered.ok());
  EXPECT_NE(filtered.status().message().find("SupplierId"), std::string::npos);
}

struct MappingCase {
  std::string name;
  int64_t value;
};

class GeneratorMapping : public ::testing::TestWithParam<MappingCase> {};

TEST_P(GeneratorMapping, MatchesTheOriginalFormulaAndDecodes) {
  const int64_t value = GetParam().value;
  const int64_t micros = 1611052380123000;  // 2021-01-19T10:33:00.123Z
  const GeneratedMessage m = generate_message(value, micros);
  const int64_t v = value * 3019;
  EXPECT_EQ(m.meter_id, std::to_string(v % 127));
  EXPECT_EQ(m.supplier_id, std::to_string(v % 23));
  EXPECT_EQ(m.value, v % 59);
  EXPECT_EQ(m.unit, "kWH");
  // The JSON decodes against the meter schema to the same values the factory's message does.
  const RecordBatch ours = decode_one(m.json());
  const RecordBatch factory =
      decode({generated_meter_message(value, "2021-01-19T10:33:00.123Z")});
  ASSERT_EQ(ours.num_rows(), 1);
  for (size_t c = 0; c < ours.num_columns(); ++c) {
    EXPECT_EQ(cell(ours, c), cell(factory, c)) << "column " << c;
  }
}

INSTANTIATE_TEST_SUITE_P(Values, GeneratorMapping,
                         ::testing::Values(MappingCase{"Zero", 0}, MappingCase{"One", 1},
                                           MappingCase{"SupplierWraps", 23},
                                           MappingCase{"Large", 123456789}),
                         [](const auto& info) { return info.param.name; });

TEST(GeneratorJson, HasSparksToJsonLayout) {
  EXPECT_EQ(generate_message(1, 1611052380000000).json(),
            R"({"MeterId":"98","SupplierId":"6","Measurement":{"Value":10,"Unit":"kWH"},)"
            R"("ObservationTime":"2021-01-19T10:33:00.000Z"})");
}

TEST(GeneratorStages, RateRowsBecomeKeyedJsonEvents) {
  auto ts = Column::make(DataType::timestamp());
  auto value = Column::make(DataType::long_());
  for (int64_t i = 0; i < 50; ++i) {
    ts->append<int64_t>(1611052380000000 + i * 1000);
    value->append<int64_t>(i);
  }
  RecordBatch rate(Schema().add("timestamp", DataType::timestamp()).add("value", DataType::long_()),
                   {ts, value});
  auto meters = map_rate_batch(rate);
  ASSERT_TRUE(meters.ok()) << meters.status().to_string();
  ASSERT_EQ(meters->schema(), meter_schema());
  auto events = to_json_batch(*meters);
  ASSERT_TRUE(events.ok()) << events.status().to_string();
  ASSERT_EQ(events->num_rows(), 50);
  for (int64_t i = 0; i < 50; ++i) {
    const GeneratedMessage m = generate_message(i, 1611052380000000 + i * 1000);
    EXPECT_EQ(events->column(0)->string_value(i), m.meter_id);
    EXPECT_EQ(events->column(1)->string_value(i), m.json());
  }
  EXPECT_FALSE(map_rate_batch(*meters).ok());
}

class StoreData : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("meter_utils_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(StoreData, WritesAPartitionedTableAndReadsOnePartitionBack) {
  const std::string table = (dir_ / "meters").string();
  std::vector<MeterMessage> first, second;
  for (int i = 0; i < 30; ++i) first.push_back(supplier(std::to_string(i % 3 + 18)));
  for (int i = 0; i < 10; ++i) second.push_back(supplier("19"));
  auto flat1 = decode(first).flatten();
  auto flat2 = decode(second).flatten();
  ASSERT_TRUE(flat1.ok() && flat2.ok());
  auto v0 = store_data(*flat1, table);
  ASSERT_TRUE(v0.ok()) << v0.status().to_string();
  auto v1 = store_data(*flat2, table);
  ASSERT_TRUE(v1.ok()) << v1.status().to_string();
  EXPECT_EQ(*v0, 0);
  EXPECT_EQ(*v1, 1);
  EXPECT_TRUE(std::filesystem::is_directory(dir_ / "meters" / "SupplierId=19"));
  EXPECT_TRUE(std::filesystem::is_directory(dir_ / "meters" / "SupplierId=20"));

  auto counts = rows_per_supplier(table);
  ASSERT_TRUE(counts.ok()) << counts.status().to_string();
  EXPECT_EQ(*counts, (std::map<std::string, int64_t>{{"18", 10}, {"19", 20}, {"20", 10}}));
  auto total = count_rows(table);
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(*total, 40);

  int64_t files_read = -1;
  auto rows = read_supplier(table, "19", &files_read);
  ASSERT_TRUE(rows.ok()) << rows.status().to_string();
  EXPECT_EQ(rows->num_rows(), 20);
  EXPECT_EQ(files_read, 2);  // one file per commit of partition 19, none of the others
  const Column& ids = *rows->column_by_name("SupplierId");
  for (int64_t r = 0; r < ids.length(); ++r) EXPECT_EQ(ids.string_value(r), "19");
}

TEST_F(StoreData, RefusesANestedBatchAndLeavesNoTable) {
  const std::string table = (dir_ / "nested").string();
  auto version = store_data(decode({MeterMessage{}}), table);
  EXPECT_FALSE(version.ok());
  auto total = count_rows(table);
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(*total, 0);
}

struct LocationCase {
  std::string name;
  std::vector<std::string> args;
  std::string expected_table;
  bool options_ok;
};

class StorageLocation : public ::testing::TestWithParam<LocationCase> {};

TEST_P(StorageLocation, ResolvesTheTableAndChecksTheAccountOptions) {
  ArgParser parser("job", "test");
  add_storage_options(parser, "", "delta/streaming-data/");
  ParseContext ctx;
  ctx.getenv = [](std::string_view) { return std::optional<std::string>(); };
  auto cfg = parser.parse(GetParam().args, ctx);
  ASSERT_TRUE(cfg.ok()) << cfg.status().to_string();
  EXPECT_EQ(table_location(*cfg), GetParam().expected_table);
  EXPECT_EQ(check_storage_options(*cfg).ok(), GetParam().options_ok);
}

INSTANTIATE_TEST_SUITE_P(
    Options, StorageLocation,
    ::testing::Values(
        LocationCase{"OutputRoot", {"--output-root", "./data"}, "./data/delta/streaming-data",
                     true},
        LocationCase{"OutputRootTrailingSlash",
                     {"--output-root", "/tmp/x/", "--output-path", "/delta/meter-data/"},
                     "/tmp/x/delta/meter-data", true},
        LocationCase{"Azure",
                     {"--storage-account-name", "acct", "--storage-account-key", "k"},
                     "abfss://data@acct.dfs.core.windows.net/delta/streaming-data", true},
        LocationCase{"AzureWithoutKey",
                     {"--storage-account-name", "acct"},
                     "abfss://data@acct.dfs.core.windows.net/delta/streaming-data", false},
        LocationCase{"NothingGiven", {}, "abfss://data@.dfs.core.windows.net/delta/streaming-data",
                     false}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace lakestream::meter
