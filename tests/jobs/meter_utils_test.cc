// Tests of the sample jobs' package (jobs/meter_utils): the meter schema, has_column,
// filter_by_supplier, the data generator's mapping and JSON, store_data writing a partitioned
// Delta table, and reading one supplier's partition back.

#include "meter_utils/meter_utils.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "lakestream/batch/column.h"
#include "lakestream/batch/show.h"
#include "lakestream/common/time.h"
#include "lakestream/delta/snapshot.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/json/json_decoder.h"
#include "lakestream/storage/azure_file_system.h"
#include "lakestream/storage/local_file_system.h"
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
  const RecordBatch factory = decode({generated_meter_message(value, "2021-01-19T10:33:00.123Z")});
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

TEST_F(StoreData, WritesAnUnflattenedBatchWithItsStruct) {
  // Since the Parquet writer writes nested columns, an unflattened batch is stored as Spark
  // stores it: Measurement a struct column (a Parquet group), read back whole.
  const std::string table = (dir_ / "nested").string();
  auto version = store_data(decode({MeterMessage{}, MeterMessage{}}), table);
  ASSERT_TRUE(version.ok()) << version.status().to_string();
  auto total = count_rows(table);
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(*total, 2);
  auto reader = TableReader::open(table);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  auto measurement = reader->schema().index_of("Measurement");
  ASSERT_TRUE(measurement.has_value());
  EXPECT_EQ(reader->schema().field(*measurement).type->id(), TypeId::kStruct);
  // The struct's statistics nest per member, as Spark writes them.
  auto stats = nlohmann::json::parse(reader->snapshot().files()[0].add.stats);
  EXPECT_EQ(stats["minValues"]["Measurement"]["Unit"], "kWH") << stats.dump();
  EXPECT_EQ(stats["maxValues"]["Measurement"]["Unit"], "kWH") << stats.dump();
  EXPECT_EQ(stats["nullCount"]["Measurement"]["Value"], 0) << stats.dump();
  EXPECT_FALSE(stats["minValues"].contains("Measurement_Unit")) << stats.dump();
}

// A base64 account key (not a real one) and a SAS (signature made up); the messages must
// never show either.
constexpr const char* kKey = "c2VjcmV0LWtleS1ieXRlcw==";
constexpr const char* kSas = "sv=2021-08-06&ss=b&srt=sco&sp=rwdlac&se=2030-01-01&sig=U2lnbmF0dXJl";
constexpr const char* kAcctConnection =
    "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c2VjcmV0LWtleS1ieXRlcw==;"
    "EndpointSuffix=core.windows.net";

struct LocationCase {
  std::string name;
  std::vector<std::string> args;
  std::string expected_table;
  /// Empty: the options are accepted; else a part of the InvalidArgument message.
  std::string error;
  /// Environment variables the parser sees.
  std::map<std::string, std::string> env = {};
};

class StorageLocation : public ::testing::TestWithParam<LocationCase> {};

Result<Config> parse_storage_args(const std::vector<std::string>& args,
                                  const std::map<std::string, std::string>& env) {
  ArgParser parser("job", "test");
  add_storage_options(parser, "STREAMING_STORAGE_KEY", "delta/streaming-data/");
  ParseContext ctx;
  ctx.getenv = [env](std::string_view name) {
    auto it = env.find(std::string(name));
    return it == env.end() ? std::optional<std::string>() : std::optional<std::string>(it->second);
  };
  return parser.parse(args, ctx);
}

TEST_P(StorageLocation, ResolvesTheTableAndChecksTheAccountOptions) {
  auto cfg = parse_storage_args(GetParam().args, GetParam().env);
  ASSERT_TRUE(cfg.ok()) << cfg.status().to_string();
  const Status st = check_storage_options(*cfg);
  if (GetParam().error.empty()) {
    EXPECT_TRUE(st.ok()) << st.to_string();
    EXPECT_EQ(table_location(*cfg), GetParam().expected_table);
    return;
  }
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find(GetParam().error), std::string::npos) << st.message();
  for (const char* secret : {"c2VjcmV0", "sig=U2ln", "U2lnbmF0dXJl", "not-base64!"}) {
    EXPECT_EQ(st.message().find(secret), std::string::npos) << "secret in: " << st.message();
  }
}

const std::string kDev = "abfss://data@devstoreaccount1.dfs.core.windows.net/delta/streaming-data";
const std::string kAcct = "abfss://data@acct.dfs.core.windows.net/delta/streaming-data";

INSTANTIATE_TEST_SUITE_P(
    Options, StorageLocation,
    ::testing::Values(
        LocationCase{"OutputRoot", {"--output-root", "./data"}, "./data/delta/streaming-data", ""},
        LocationCase{"OutputRootTrailingSlash",
                     {"--output-root", "/tmp/x/", "--output-path", "/delta/meter-data/"},
                     "/tmp/x/delta/meter-data",
                     ""},
        LocationCase{"AccountAndKey",
                     {"--storage-account-name", "acct", "--storage-account-key", kKey},
                     kAcct,
                     ""},
        LocationCase{"AccountAndKeyFromEnv",
                     {"--storage-account-name", "acct"},
                     kAcct,
                     "",
                     {{"STREAMING_STORAGE_KEY", kKey}}},
        LocationCase{
            "AccountAndSas",
            {"--storage-account-name", "acct", "--storage-sas-token", std::string("?") + kSas},
            kAcct,
            ""},
        LocationCase{"OtherContainer",
                     {"--storage-account-name", "acct", "--storage-account-key", kKey,
                      "--storage-container-name", "meter-data-2"},
                     "abfss://meter-data-2@acct.dfs.core.windows.net/delta/streaming-data",
                     ""},
        LocationCase{"ConnectionStringAlone",
                     {"--storage-connection-string", "UseDevelopmentStorage=true"},
                     kDev,
                     ""},
        LocationCase{"ConnectionStringFromEnv",
                     {},
                     kAcct,
                     "",
                     {{"AZURE_STORAGE_CONNECTION_STRING", kAcctConnection}}},
        LocationCase{
            "ConnectionStringForTheNamedAccount",
            {"--storage-account-name", "acct", "--storage-connection-string", kAcctConnection},
            kAcct,
            ""},
        LocationCase{"AccountWithEndpoint",
                     {"--storage-account-name", "devstoreaccount1", "--storage-blob-endpoint",
                      "http://127.0.0.1:10000/devstoreaccount1/"},
                     kDev,
                     "",
                     {{"STREAMING_STORAGE_KEY", kKey}}},
        LocationCase{"AzureOutputRoot",
                     {"--output-root", "abfss://lake@devstoreaccount1.dfs.core.windows.net/x/"},
                     "abfss://lake@devstoreaccount1.dfs.core.windows.net/x/delta/streaming-data",
                     "",
                     {{"AZURE_STORAGE_CONNECTION_STRING", "UseDevelopmentStorage=true"}}},
        LocationCase{"AccountWithoutKey",
                     {"--storage-account-name", "acct"},
                     "",
                     "required: --storage-account-key (or --storage-sas-token) for storage "
                     "account 'acct'"},
        LocationCase{
            "ConnectionStringForAnotherAccount",
            {"--storage-account-name", "other", "--storage-connection-string", kAcctConnection},
            "",
            "for storage account 'other'; the connection string "
            "(--storage-connection-string) is for account 'acct'"},
        LocationCase{"NothingGiven",
                     {},
                     "",
                     "required: --storage-account-name, --storage-account-key (or give "
                     "--output-root DIR"},
        LocationCase{"AccountNameWithUpperCase",
                     {"--storage-account-name", "MyAcct", "--storage-account-key", kKey},
                     "",
                     "--storage-account-name: 'MyAcct' is not a storage account name"},
        LocationCase{"ContainerName",
                     {"--storage-account-name", "acct", "--storage-account-key", kKey,
                      "--storage-container-name", "Data_1"},
                     "",
                     "--storage-container-name: 'Data_1' is not a container name"},
        LocationCase{"KeyNotBase64",
                     {"--storage-account-name", "acct"},
                     "",
                     "--storage-account-key (from environment variable STREAMING_STORAGE_KEY): "
                     "not an account key",
                     {{"STREAMING_STORAGE_KEY", "not-base64!"}}},
        LocationCase{"SasWithoutSignature",
                     {"--storage-account-name", "acct", "--storage-sas-token", "sv=2021&sp=r"},
                     "",
                     "--storage-sas-token: not a SAS token"},
        LocationCase{"ConnectionStringWithoutKey",
                     {},
                     "",
                     "--storage-connection-string (from environment variable "
                     "AZURE_STORAGE_CONNECTION_STRING): connection string for account 'acct' has "
                     "neither AccountKey nor SharedAccessSignature",
                     {{"AZURE_STORAGE_CONNECTION_STRING", "AccountName=acct"}}},
        LocationCase{"EndpointWithoutAccount",
                     {"--storage-connection-string", "UseDevelopmentStorage=true",
                      "--storage-blob-endpoint", "http://127.0.0.1:1/devstoreaccount1"},
                     "",
                     "--storage-blob-endpoint needs --storage-account-name"},
        LocationCase{
            "EndpointNotAUrl",
            {"--storage-account-name", "acct", "--storage-account-key", kKey,
             "--storage-blob-endpoint", "127.0.0.1:10000"},
            "",
            "--storage-blob-endpoint: '127.0.0.1:10000' is not an http:// or https:// URL"},
        LocationCase{"AzureOutputRootWithoutCredentials",
                     {"--output-root", "abfss://lake@acct.dfs.core.windows.net/x"},
                     "",
                     "--storage-account-key (or --storage-sas-token) for storage account 'acct'"},
        LocationCase{"OutputRootWithQuery",
                     {"--output-root", std::string("https://acct.blob.core.windows.net/c?") + kSas},
                     "",
                     "--output-root: a location with a query"}),
    [](const auto& info) { return info.param.name; });

// The effective configuration a job prints shows where each secret came from, never the value.
TEST(StorageOptions, DumpRedactsEverySecret) {
  auto cfg = parse_storage_args(
      {"--storage-account-name", "acct", "--storage-sas-token", kSas},
      {{"STREAMING_STORAGE_KEY", kKey}, {"AZURE_STORAGE_CONNECTION_STRING", kAcctConnection}});
  ASSERT_TRUE(cfg.ok()) << cfg.status().to_string();
  const std::string dump = cfg->dump();
  for (const char* secret : {"c2VjcmV0", "U2lnbmF0dXJl", "AccountKey="}) {
    EXPECT_EQ(dump.find(secret), std::string::npos) << dump;
  }
  EXPECT_NE(dump.find("storage-connection-string=*********(redacted)"), std::string::npos) << dump;
  EXPECT_NE(dump.find("storage-sas-token=*********(redacted)"), std::string::npos) << dump;
  EXPECT_NE(dump.find("storage-account-key=*********(redacted)"), std::string::npos) << dump;
}

// What the jobs hand to their Session (storage_options_or_exit), and where the table's
// requests then go: an abfss:// URI of the connection string's account goes to the connection
// string's endpoint.
TEST(StorageOptions, FillAzureOptionsAndRouteTheTable) {
  struct Case {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    std::string endpoint;
  };
  const std::vector<Case> cases = {
      {{"--storage-connection-string", "UseDevelopmentStorage=true"},
       {},
       "http://127.0.0.1:10000/devstoreaccount1"},
      {{},
       {{"AZURE_STORAGE_CONNECTION_STRING",
         "UseDevelopmentStorage=true;BlobEndpoint=http://127.0.0.1:4711/devstoreaccount1"}},
       "http://127.0.0.1:4711/devstoreaccount1"},
      {{"--storage-account-name", "acct", "--storage-sas-token", std::string("?") + kSas},
       {},
       "https://acct.blob.core.windows.net"},
      {{"--storage-account-name", "acct", "--storage-account-key", kKey, "--storage-blob-endpoint",
        "http://127.0.0.1:4712/acct/"},
       {},
       "http://127.0.0.1:4712/acct"},
      // The connection string is for another account: the account's own key and endpoint.
      {{"--storage-account-name", "acct", "--storage-account-key", kKey,
        "--storage-connection-string", "UseDevelopmentStorage=true"},
       {},
       "https://acct.blob.core.windows.net"},
  };
  for (const Case& c : cases) {
    auto cfg = parse_storage_args(c.args, c.env);
    ASSERT_TRUE(cfg.ok()) << cfg.status().to_string();
    auto options = azure_storage_options(*cfg);
    ASSERT_TRUE(options.ok()) << options.status().to_string();
    EXPECT_EQ(options->account_name, cfg->get_string("storage-account-name"));
    EXPECT_EQ(options->connection_string, cfg->get_string("storage-connection-string"));
    EXPECT_FALSE(options->sas_token.starts_with('?'));
    auto opened = open_azure_file_system(table_location(*cfg), *options);
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    auto* fs = dynamic_cast<AzureFileSystem*>(opened->first.get());
    ASSERT_NE(fs, nullptr);
    EXPECT_EQ(fs->endpoint(), c.endpoint) << table_location(*cfg);
    EXPECT_EQ(opened->second, "delta/streaming-data");
  }
}

TEST(RowsPerSupplier, ColumnMappedTableWithDeletionVectors) {
  // A table Databricks could have written: SupplierId is column-mapped (partitionValues keyed
  // by its physical name) and a DELETE left a deletion vector of 3 rows on one file. The counts
  // come from the log alone (no data file is opened).
  const auto dir =
      std::filesystem::temp_directory_path() / ("meter_utils_dv_cm_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "_delta_log");
  const std::string schema =
      R"({\"type\":\"struct\",\"fields\":[{\"name\":\"SupplierId\",\"type\":\"string\",)"
      R"(\"nullable\":true,\"metadata\":{\"delta.columnMapping.id\":1,)"
      R"(\"delta.columnMapping.physicalName\":\"col-sup\"}}]})";
  std::ofstream(dir / "_delta_log" / "00000000000000000000.json")
      << R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":)"
      << R"(["columnMapping","deletionVectors"],"writerFeatures":["columnMapping","deletionVectors"]}})"
      << "\n"
      << R"({"metaData":{"id":"t","format":{"provider":"parquet","options":{}},"schemaString":")"
      << schema
      << R"(","partitionColumns":["SupplierId"],"configuration":{"delta.columnMapping.mode":"name"}}})"
      << "\n"
      << R"({"add":{"path":"a.parquet","partitionValues":{"col-sup":"19"},"size":1,)"
      << R"("modificationTime":1,"dataChange":true,"stats":"{\"numRecords\":10}",)"
      << R"("deletionVector":{"storageType":"i","pathOrInlineDv":"x","sizeInBytes":1,"cardinality":3}}})"
      << "\n"
      << R"({"add":{"path":"b.parquet","partitionValues":{"col-sup":"20"},"size":1,)"
      << R"("modificationTime":1,"dataChange":true,"stats":"{\"numRecords\":5}"}})"
      << "\n";
  auto counts = rows_per_supplier(dir.string());
  ASSERT_TRUE(counts.ok()) << counts.status().to_string();
  EXPECT_EQ(*counts, (std::map<std::string, int64_t>{{"19", 7}, {"20", 5}}));
  auto total = count_rows(dir.string());
  ASSERT_TRUE(total.ok()) << total.status().to_string();
  EXPECT_EQ(*total, 12);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lakestream::meter
