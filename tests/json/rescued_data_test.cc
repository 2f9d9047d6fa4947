// The rescued-data column (JsonDecodeOptions::rescued_data_column): what the schema does not
// expect is kept per record as one JSON object keyed by path, on both decode paths.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <optional>
#include <string>
#include <vector>

#include "json/decode_plan.h"
#include "json/decode_test_util.h"
#include "json/direct_scan.h"

namespace lakestream::testing {
namespace {

constexpr const char* kRescued = "_rescued_data";

Schema device_schema() {
  return Schema()
      .add("id", DataType::string(), false)
      .add("dev", Schema().add("name", DataType::string()).add("fw", DataType::int_()).as_struct())
      .add("readings",
           DataType::array(
               Schema().add("v", DataType::long_()).add("unit", DataType::string()).as_struct()))
      .add("labels",
           DataType::map(DataType::string(), Schema().add("site", DataType::string()).as_struct()))
      .add("n", DataType::long_());
}

JsonDecoder make_decoder(const Schema& schema, DecodeMode mode, bool direct,
                         std::string rescued = kRescued) {
  if (!direct) setenv("LAKESTREAM_JSON_DIRECT", "0", 1);
  JsonDecodeOptions options;
  options.mode = mode;
  options.rescued_data_column = std::move(rescued);
  auto decoder = JsonDecoder::make(schema, options);
  unsetenv("LAKESTREAM_JSON_DIRECT");
  EXPECT_TRUE(decoder.ok()) << decoder.status().to_string();
  return std::move(decoder).value();
}

Decoded decode_with(JsonDecoder& decoder, const std::string& ndjson) {
  Decoded out;
  out.batch = RecordBatch::make_empty(decoder.output_schema());
  out.status = decoder.decode_ndjson(ndjson, "test.ndjson", &out.batch, &out.rejects);
  return out;
}

Decoded decode_events_with(JsonDecoder& decoder, const std::vector<std::string>& bodies) {
  Decoded out;
  out.batch = RecordBatch::make_empty(decoder.output_schema());
  std::vector<JsonEvent> events;
  for (size_t i = 0; i < bodies.size(); ++i)
    events.push_back({bodies[i], 0, static_cast<int64_t>(i)});
  out.status = decoder.decode_events(events, "hub", &out.batch, &out.rejects);
  return out;
}

/// The rescued column of `row` (the batch's last column), nullopt when null.
std::optional<std::string> rescued(const RecordBatch& batch, int64_t row) {
  const Column& c = *batch.column(batch.num_columns() - 1);
  if (c.is_null(row)) return std::nullopt;
  return std::string(c.string_value(row));
}

/// One record through both paths (NDJSON and events each): the same rescued value from all
/// four, which is returned.
std::optional<std::string> rescue_one(const std::string& record,
                                      DecodeMode mode = DecodeMode::kDeadLetter,
                                      const Schema& schema = device_schema()) {
  std::optional<std::string> first;
  bool have = false;
  for (const bool direct : {true, false}) {
    JsonDecoder decoder = make_decoder(schema, mode, direct);
    for (const Decoded& d : {decode_with(decoder, record), decode_events_with(decoder, {record})}) {
      EXPECT_TRUE(d.status.ok()) << d.status.to_string();
      EXPECT_TRUE(d.rejects.empty()) << (d.rejects.empty() ? "" : d.rejects[0].reason);
      expect_consistent(d.batch);
      EXPECT_EQ(d.batch.num_rows(), 1) << record;
      if (d.batch.num_rows() != 1) return std::nullopt;
      const auto got = rescued(d.batch, 0);
      if (!have) {
        first = got;
        have = true;
      } else {
        EXPECT_EQ(got, first) << record << (direct ? " (direct)" : " (on-demand)");
      }
    }
  }
  return first;
}

// ---- the schema a decoder produces ------------------------------------------------------------

TEST(RescuedDataTest, OutputSchemaEndsWithANullableStringColumn) {
  JsonDecoder decoder = make_decoder(device_schema(), DecodeMode::kDeadLetter, true);
  EXPECT_EQ(decoder.input_schema(), device_schema());
  const Schema& out = decoder.output_schema();
  ASSERT_EQ(out.size(), device_schema().size() + 1);
  const Field& last = out.field(out.size() - 1);
  EXPECT_EQ(last.name, kRescued);
  EXPECT_TRUE(last.nullable);
  EXPECT_EQ(last.type->id(), TypeId::kString);
}

TEST(RescuedDataTest, OffByDefaultTheOutputIsTheSchemaAndUnknownMembersAreIgnored) {
  auto decoder = JsonDecoder::make(device_schema());
  ASSERT_TRUE(decoder.ok());
  EXPECT_TRUE(decoder->options().rescued_data_column.empty());
  EXPECT_EQ(decoder->output_schema(), device_schema());
  Decoded d;
  d.batch = RecordBatch::make_empty(decoder->output_schema());
  d.status =
      decoder->decode_ndjson(R"({"id":"a","extra":1,"dev":{"x":[1]}})", "t", &d.batch, &d.rejects);
  ASSERT_TRUE(d.status.ok());
  EXPECT_EQ(d.batch.num_rows(), 1);
  EXPECT_EQ(d.batch.num_columns(), device_schema().size());
  // A batch made for another schema is refused, naming the output schema to use.
  JsonDecoder rescuing = make_decoder(device_schema(), DecodeMode::kDeadLetter, true);
  RecordBatch wrong = RecordBatch::make_empty(device_schema());
  std::vector<RejectedRecord> rejects;
  const Status st = rescuing.decode_ndjson(R"({"id":"a"})", "t", &wrong, &rejects);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("output_schema()"), std::string::npos) << st.message();
}

TEST(RescuedDataTest, ANameClashingWithASchemaColumnIsRefusedNamingIt) {
  for (const char* name : {"n", "N", "dev"}) {
    JsonDecodeOptions options;
    options.rescued_data_column = name;
    auto decoder = JsonDecoder::make(device_schema(), options);
    ASSERT_FALSE(decoder.ok()) << name;
    EXPECT_EQ(decoder.status().code(), StatusCode::kInvalidArgument);
    const std::string column = name == std::string("N") ? "n" : name;
    EXPECT_NE(decoder.status().message().find("'" + column + "'"), std::string::npos)
        << decoder.status().message();
  }
}

// ---- what is rescued --------------------------------------------------------------------------

TEST(RescuedDataTest, NothingUnexpectedGivesNull) {
  EXPECT_EQ(rescue_one(R"({"id":"a","dev":{"name":"x","fw":1},"readings":[{"v":1,"unit":"W"}],)"
                       R"("labels":{"k":{"site":"s"}},"n":3})"),
            std::nullopt);
  EXPECT_EQ(rescue_one(R"({"id":"a"})"), std::nullopt);
}

TEST(RescuedDataTest, TopLevelMembersAreKeyedByTheirNameWithTheirJsonKeptExactly) {
  EXPECT_EQ(rescue_one(R"({"id":"a","extra":1.50,"flag":true,"none":null,"s":"x y","n":2})"),
            R"({"extra":1.50,"flag":true,"none":null,"s":"x y"})");
  // Objects and arrays as JSON (not a string holding JSON), whitespace inside kept as written.
  EXPECT_EQ(rescue_one(R"({"id":"a", "obj" : {"k": [1, {"z":null}]} , "arr":[ "q" ,2]})"),
            R"({"obj":{"k": [1, {"z":null}]},"arr":[ "q" ,2]})");
  // Escapes stay as written; an escaped key is unescaped, then written as a JSON string.
  EXPECT_EQ(rescue_one(R"({"id":"a","q":"say \"hi\"\n\u00e9","k\u0065y":1})"),
            R"({"q":"say \"hi\"\n\u00e9","key":1})");
  // An empty name is a name too.
  EXPECT_EQ(rescue_one(R"({"id":"a","":1,"dev":{"":2}})"), R"({"":1,"dev.":2})");
}

TEST(RescuedDataTest, MembersOfNestedStructsAreKeyedByDottedPath) {
  EXPECT_EQ(rescue_one(R"({"id":"a","dev":{"name":"x","color":"red","geo":{"lat":1}}})"),
            R"({"dev.color":"red","dev.geo":{"lat":1}})");
}

TEST(RescuedDataTest, MembersOfStructsInListsAreKeyedByElementIndex) {
  EXPECT_EQ(rescue_one(R"({"id":"a","readings":[{"v":1},{"v":2,"note":"late"},)"
                       R"({"v":3,"tags":["a"]}]})"),
            R"({"readings[1].note":"late","readings[2].tags":["a"]})");
}

TEST(RescuedDataTest, MembersOfMapValueStructsAreKeyedByMapKey) {
  EXPECT_EQ(rescue_one(R"({"id":"a","labels":{"north":{"site":"n","owner":{"id":7}},)"
                       R"("south":{"site":"s"}}})"),
            R"({"labels[north].owner":{"id":7}})");
}

TEST(RescuedDataTest, MembersDifferingOnlyInCaseAreUnknownAndRescued) {
  // Matching is case-sensitive (as Spark's JSON reader with spark.sql.caseSensitive): "N" is
  // not "n", so it is kept, and n is decoded from its own member.
  for (const bool direct : {true, false}) {
    JsonDecoder decoder = make_decoder(device_schema(), DecodeMode::kDeadLetter, direct);
    const Decoded d = decode_with(decoder, R"({"id":"a","N":5,"n":6,"DEV":{"name":"x"}})");
    ASSERT_EQ(d.batch.num_rows(), 1);
    EXPECT_EQ(d.batch.column(4)->value<int64_t>(0), 6);
    EXPECT_TRUE(d.batch.column(1)->is_null(0));
    EXPECT_EQ(rescued(d.batch, 0), R"({"N":5,"DEV":{"name":"x"}})");
  }
}

TEST(RescuedDataTest, WrongTypesUnderPermissiveBecomeNullAndKeepTheirValue) {
  for (const bool direct : {true, false}) {
    JsonDecoder decoder = make_decoder(device_schema(), DecodeMode::kPermissive, direct);
    const Decoded d = decode_with(
        decoder,
        R"({"id":"a","n":"many","dev":{"name":"x","fw":[1,2]},"readings":[{"v":1},{"v":1.5}],)"
        R"("labels":"none","extra":0})");
    ASSERT_TRUE(d.status.ok());
    ASSERT_EQ(d.batch.num_rows(), 1);
    ASSERT_TRUE(d.rejects.empty());
    EXPECT_TRUE(d.batch.column(4)->is_null(0));            // n
    EXPECT_TRUE(d.batch.column(1)->child(1)->is_null(0));  // dev.fw
    EXPECT_EQ(d.batch.column(1)->child(0)->string_value(0), "x");
    EXPECT_TRUE(d.batch.column(2)->child(0)->child(0)->is_null(1));  // readings[1].v
    EXPECT_TRUE(d.batch.column(3)->is_null(0));                      // labels
    EXPECT_EQ(rescued(d.batch, 0),
              R"({"n":"many","dev.fw":[1,2],"readings[1].v":1.5,"labels":"none","extra":0})");
  }
}

TEST(RescuedDataTest, AStructMadeNullKeepsItsWholeValueOnce) {
  // A bad value inside a non-null member nulls the enclosing nullable struct: the struct's text
  // is kept, and the unknown member rescued inside it before that is not kept twice.
  const Schema schema = Schema()
                            .add("id", DataType::string(), false)
                            .add("s", Schema().add("x", DataType::int_(), false).as_struct())
                            .add("m", DataType::map(DataType::string(), DataType::int_()));
  EXPECT_EQ(rescue_one(R"({"id":"a","s":{"u":1,"x":"bad"},"m":{"k":1,"l":"two"}})",
                       DecodeMode::kPermissive, schema),
            R"({"s":{"u":1,"x":"bad"},"m[l]":"two"})");
  EXPECT_EQ(rescue_one(R"({"id":"a","s":{"u":1}})", DecodeMode::kPermissive, schema),
            R"({"s":{"u":1}})");  // x missing and not nullable
  // A bad element of an array whose elements are nullable: that element.
  EXPECT_EQ(
      rescue_one(R"({"id":"a","readings":[{"v":1},5,{"v":2,"w":3}]})", DecodeMode::kPermissive),
      R"({"readings[1]":5,"readings[2].w":3})");
}

TEST(RescuedDataTest, WrongTypesOutsidePermissiveStillRejectTheRecord) {
  for (const DecodeMode mode : {DecodeMode::kDeadLetter, DecodeMode::kFailFast}) {
    for (const bool direct : {true, false}) {
      JsonDecoder decoder = make_decoder(device_schema(), mode, direct);
      const Decoded d =
          decode_with(decoder, "{\"id\":\"a\",\"x\":1}\n{\"id\":\"b\",\"n\":\"many\"}");
      ASSERT_EQ(d.batch.num_rows(), 1);
      EXPECT_EQ(rescued(d.batch, 0), R"({"x":1})");
      if (mode == DecodeMode::kFailFast) {
        EXPECT_EQ(d.status.code(), StatusCode::kInvalidArgument);
        EXPECT_NE(d.status.message().find("n: expected bigint, got a string"), std::string::npos)
            << d.status.message();
      } else {
        ASSERT_EQ(d.rejects.size(), 1u);
        EXPECT_EQ(d.rejects[0].field, "n");
      }
    }
  }
}

TEST(RescuedDataTest, RecordsThatCannotBeParsedStillGoToDeadLetters) {
  for (const DecodeMode mode : {DecodeMode::kDeadLetter, DecodeMode::kPermissive}) {
    for (const bool direct : {true, false}) {
      JsonDecoder decoder = make_decoder(device_schema(), mode, direct);
      const Decoded d = decode_with(decoder,
                                    "{\"id\":\"a\",\"x\":1\n"         // truncated
                                    "{\"id\":\"b\",\"x\":tru}\n"      // bad literal, unknown
                                    "{\"id\":\"c\",\"x\":[1,}\n"      // bad array, unknown
                                    "{\"id\":\"d\",\"x\":\"\\q\"}\n"  // bad escape, unknown
                                    "{\"id\":\"e\",\"dev\":[tru]}\n"  // bad, kept if nulled
                                    "{\"id\":\"f\",\"x\":2}\n");
      ASSERT_EQ(d.batch.num_rows(), 1);
      EXPECT_EQ(d.batch.column(0)->string_value(0), "f");
      EXPECT_EQ(rescued(d.batch, 0), R"({"x":2})");
      ASSERT_EQ(d.rejects.size(), 5u);
      for (size_t i = 0; i < 4; ++i) {  // the fifth is a wrong type outside permissive mode
        EXPECT_NE(d.rejects[i].reason.find("malformed JSON"), std::string::npos)
            << d.rejects[i].reason;
      }
      if (mode == DecodeMode::kPermissive) {
        EXPECT_NE(d.rejects[4].reason.find("malformed JSON"), std::string::npos)
            << d.rejects[4].reason;
      }
    }
  }
}

TEST(RescuedDataTest, EachRowGetsItsOwnValueAndRejectedRowsLeaveNone) {
  for (const bool direct : {true, false}) {
    JsonDecoder decoder = make_decoder(device_schema(), DecodeMode::kDeadLetter, direct);
    const Decoded d = decode_with(decoder,
                                  "{\"id\":\"a\",\"x\":1}\n"
                                  "{\"id\":\"b\"}\n"
                                  "{\"x\":3}\n"  // id missing: rejected
                                  "{\"id\":\"c\",\"dev\":{\"y\":4}}\n");
    ASSERT_EQ(d.batch.num_rows(), 3);
    expect_consistent(d.batch);
    EXPECT_EQ(rescued(d.batch, 0), R"({"x":1})");
    EXPECT_EQ(rescued(d.batch, 1), std::nullopt);
    EXPECT_EQ(rescued(d.batch, 2), R"({"dev.y":4})");
    ASSERT_EQ(d.rejects.size(), 1u);
  }
}

TEST(RescuedDataTest, UnknownMembersAreStillHeldToTheNestingLimit) {
  JsonDecodeOptions options;
  options.max_depth = 3;
  options.rescued_data_column = kRescued;
  auto decoder = JsonDecoder::make(device_schema(), options);
  ASSERT_TRUE(decoder.ok());
  Decoded d;
  d.batch = RecordBatch::make_empty(decoder->output_schema());
  d.status = decoder->decode_ndjson("{\"id\":\"a\",\"x\":[[1]]}\n{\"id\":\"b\",\"x\":[[[1]]]}", "t",
                                    &d.batch, &d.rejects);
  ASSERT_EQ(d.batch.num_rows(), 1);
  EXPECT_EQ(rescued(d.batch, 0), R"({"x":[[1]]})");
  ASSERT_EQ(d.rejects.size(), 1u);
  EXPECT_NE(d.rejects[0].reason.find("nesting deeper than 3"), std::string::npos);
}

TEST(RescuedDataTest, TopLevelScalarsTakeTheDirectPathDeeperOnesDoNot) {
  // The direct path keeps top-level unknown scalars itself; a record with an unknown member
  // further down is handed to the on-demand path (which knows paths). Both give the same rows
  // (checked above); here, that the common case really stays on the direct path.
  auto plan = json_internal::build_plan(device_schema());
  ASSERT_TRUE(plan.ok());
  json_internal::DirectScanner scanner(plan->get(), 64, true);
  RecordBatch batch = RecordBatch::make_empty(
      make_decoder(device_schema(), DecodeMode::kDeadLetter, true).output_schema());
  const std::string top = R"({"id":"a","extra":1,"s":"x"})";
  ASSERT_TRUE(scanner.decode_event(top.data(), top.data() + top.size(), batch.columns()));
  json_internal::DirectScanner::close(batch.columns());
  EXPECT_EQ(rescued(batch, 0), R"({"extra":1,"s":"x"})");
  const std::string nested = R"({"id":"a","dev":{"extra":1}})";
  EXPECT_FALSE(scanner.decode_event(nested.data(), nested.data() + nested.size(), batch.columns()));
}

}  // namespace
}  // namespace lakestream::testing
