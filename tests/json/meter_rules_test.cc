// The decoding rules of docs/decoding.md, one parametrized case each, on the sample's meter
// message built by the message factory (only the field under test differs from the default).

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "json/decode_test_util.h"
#include "support/message_factory.h"

namespace lakestream::testing {
namespace {

// 2021-01-19T10:33:00Z
constexpr int64_t kDefaultTimeMicros = 1'611'052'380LL * 1'000'000;

enum MeterColumn { kMeterId = 0, kSupplierId = 1, kMeasurement = 2, kObservationTime = 3 };

const lakestream::Column& value_col(const RecordBatch& b) {
  return *b.column(kMeasurement)->child(0);
}
const lakestream::Column& unit_col(const RecordBatch& b) {
  return *b.column(kMeasurement)->child(1);
}

struct RuleCase {
  std::string name;
  std::string json;
  /// Accepted records: checks on the single decoded row.
  std::function<void(const RecordBatch&)> check;
  /// Rejected records: the exact reason, or (when it starts with '~') a substring of it.
  std::string reason;
  std::string field;  ///< expected RejectedRecord::field for rejects
};

void PrintTo(const RuleCase& c, std::ostream* os) { *os << c.name; }

RuleCase accept(std::string name, std::string json, std::function<void(const RecordBatch&)> check) {
  return {std::move(name), std::move(json), std::move(check), "", ""};
}
RuleCase reject(std::string name, std::string json, std::string reason, std::string field = "") {
  return {std::move(name), std::move(json), nullptr, std::move(reason), std::move(field)};
}

std::function<void(const RecordBatch&)> meter_id_is(std::string expected) {
  return [expected](const RecordBatch& b) {
    ASSERT_TRUE(b.column(kMeterId)->is_valid(0));
    EXPECT_EQ(b.column(kMeterId)->string_value(0), expected);
  };
}
std::function<void(const RecordBatch&)> value_is(int64_t expected) {
  return [expected](const RecordBatch& b) {
    ASSERT_TRUE(value_col(b).is_valid(0));
    EXPECT_TRUE(value_col(b).decimal_value(0) == int128_t{expected})
        << format_decimal(value_col(b).decimal_value(0), 0);
  };
}
std::function<void(const RecordBatch&)> time_is(int64_t micros) {
  return [micros](const RecordBatch& b) {
    EXPECT_EQ(b.column(kObservationTime)->value<int64_t>(0), micros);
  };
}

std::string nested_arrays(int levels) {
  return std::string(static_cast<size_t>(levels), '[') + "1" +
         std::string(static_cast<size_t>(levels), ']');
}

std::vector<RuleCase> rule_cases() {
  std::vector<RuleCase> cases;
  auto add = [&](RuleCase c) { cases.push_back(std::move(c)); };

  // ---- accepted --------------------------------------------------------------------------
  add(accept("DefaultMessageDecodesEveryField", MeterMessage{}.json(), [](const RecordBatch& b) {
    EXPECT_EQ(b.column(kMeterId)->string_value(0), "217");
    EXPECT_EQ(b.column(kSupplierId)->string_value(0), "23");
    EXPECT_TRUE(b.column(kMeasurement)->is_valid(0));
    EXPECT_TRUE(value_col(b).decimal_value(0) == 12345);
    EXPECT_EQ(unit_col(b).string_value(0), "kWH");
    EXPECT_EQ(b.column(kObservationTime)->value<int64_t>(0), kDefaultTimeMicros);
  }));
  add(accept("MissingNullableFieldIsNull", MeterMessage{.unit = kOmit}.json(),
             [](const RecordBatch& b) {
               EXPECT_TRUE(unit_col(b).is_null(0));
               EXPECT_TRUE(value_col(b).decimal_value(0) == 12345);
             }));
  add(accept("NullNullableFieldIsNull", MeterMessage{.unit = "null"}.json(),
             [](const RecordBatch& b) { EXPECT_TRUE(unit_col(b).is_null(0)); }));
  add(accept("StringFieldGivenNumberKeepsItsText", MeterMessage{.meter_id = "217"}.json(),
             meter_id_is("217")));
  add(accept("StringFieldGivenFractionKeepsItsText", MeterMessage{.meter_id = "2.50e3"}.json(),
             meter_id_is("2.50e3")));
  add(accept("StringFieldGivenBooleanKeepsItsText", MeterMessage{.meter_id = "true"}.json(),
             meter_id_is("true")));
  add(accept("StringFieldGivenObjectKeepsRawJson",
             MeterMessage{.meter_id = R"({"a": [1, 2]})"}.json(), meter_id_is(R"({"a": [1, 2]})")));
  add(accept("StringFieldGivenArrayKeepsRawJson", MeterMessage{.meter_id = R"([1, "x"] )"}.json(),
             meter_id_is(R"([1, "x"])")));
  add(accept("StringEscapesAreDecoded", MeterMessage{.meter_id = R"("2\u00317 z\u00e9\n")"}.json(),
             meter_id_is("217 z\xc3\xa9\n")));
  add(accept("DecimalFromString", MeterMessage{.value = json_string("12345")}.json(),
             value_is(12345)));
  add(accept("DecimalFromZeroFraction", MeterMessage{.value = "12345.000"}.json(),
             value_is(12345)));
  add(accept("DecimalFromExponent", MeterMessage{.value = "1.2345e4"}.json(), value_is(12345)));
  add(accept("DecimalNegative", MeterMessage{.value = "-7"}.json(), value_is(-7)));
  add(accept("DecimalAtFullPrecision", MeterMessage{.value = "9999999999"}.json(),
             value_is(9'999'999'999)));
  add(accept("TimestampWithOffset",
             MeterMessage{.observation_time = json_string("2021-01-19T11:33:00+01:00")}.json(),
             time_is(kDefaultTimeMicros)));
  add(accept("TimestampWithFraction",
             MeterMessage{.observation_time = json_string("2021-01-19T10:33:00.123456Z")}.json(),
             time_is(kDefaultTimeMicros + 123456)));
  add(accept("TimestampSpaceSeparatedIsUtc",
             MeterMessage{.observation_time = json_string("2021-01-19 10:33:00")}.json(),
             time_is(kDefaultTimeMicros)));
  add(accept("TimestampFromIntegerSeconds", MeterMessage{.observation_time = "1611052380"}.json(),
             time_is(kDefaultTimeMicros)));
  add(accept("UnknownFieldsAreIgnored",
             MeterMessage{.extra = R"("Extra": {"deep": [1, {"x": null}]}, "Other": tru)"}.json(),
             value_is(12345)));
  add(accept("FieldsInAnyOrder",
             R"({"ObservationTime": "2021-01-19T10:33:00Z", "Measurement": {"Unit": "kWH",)"
             R"( "Value": 5}, "SupplierId": "23", "MeterId": "9"})",
             [](const RecordBatch& b) {
               EXPECT_EQ(b.column(kMeterId)->string_value(0), "9");
               EXPECT_TRUE(value_col(b).decimal_value(0) == 5);
               EXPECT_EQ(unit_col(b).string_value(0), "kWH");
             }));
  add(accept("EscapedKeyMatchesField",
             R"({"Meter\u0049d": "1", "SupplierId": "23", "Measurement": {"Value": 1},)"
             R"( "ObservationTime": "2021-01-19T10:33:00Z"})",
             meter_id_is("1")));
  add(accept("WhitespaceAroundTheObject", "  \t" + MeterMessage{}.json() + "   ", value_is(12345)));
  add(accept("NestingAtTheLimitIsAccepted",
             MeterMessage{.extra = "\"Deep\": " + nested_arrays(63)}.json(), value_is(12345)));

  // ---- rejected --------------------------------------------------------------------------
  add(reject("MissingNonNullField", MeterMessage{.meter_id = kOmit}.json(),
             "MeterId: is missing and not nullable", "MeterId"));
  add(reject("NullNonNullField", MeterMessage{.meter_id = "null"}.json(),
             "MeterId: is null and not nullable", "MeterId"));
  add(reject("EmptyObjectMissesFields", "{}", "MeterId: is missing and not nullable", "MeterId"));
  add(reject("MissingNonNullStruct", MeterMessage{.omit_measurement = true}.json(),
             "Measurement: is missing and not nullable", "Measurement"));
  add(reject("NullNonNullStruct", MeterMessage{.measurement = "null"}.json(),
             "Measurement: is null and not nullable", "Measurement"));
  add(reject("StructGivenString", MeterMessage{.measurement = json_string("12 kWH")}.json(),
             "Measurement: expected struct<Value:decimal(10,0),Unit:string>, got a string",
             "Measurement"));
  add(reject("MissingNestedNonNullField", MeterMessage{.value = kOmit}.json(),
             "Measurement.Value: is missing and not nullable", "Measurement.Value"));
  add(reject("NullNestedNonNullField", MeterMessage{.value = "null"}.json(),
             "Measurement.Value: is null and not nullable", "Measurement.Value"));
  add(reject("DecimalFromNonNumericString", MeterMessage{.value = json_string("lots")}.json(),
             "Measurement.Value: 'lots' is not a valid decimal(10,0)", "Measurement.Value"));
  add(reject("DecimalOverflow", MeterMessage{.value = "12345678901"}.json(),
             "Measurement.Value: 12345678901 does not fit decimal(10,0)", "Measurement.Value"));
  add(reject("DecimalOverflowFromString", MeterMessage{.value = json_string("12345678901")}.json(),
             "Measurement.Value: '12345678901' does not fit decimal(10,0)", "Measurement.Value"));
  add(reject("DecimalFractionBeyondScale", MeterMessage{.value = "1.5"}.json(),
             "Measurement.Value: 1.5 has more fraction digits than decimal(10,0) holds",
             "Measurement.Value"));
  add(reject("DecimalGivenBoolean", MeterMessage{.value = "true"}.json(),
             "Measurement.Value: expected decimal(10,0), got a boolean", "Measurement.Value"));
  add(reject("NumberWithLeadingZeroIsMalformed", MeterMessage{.value = "012"}.json(),
             "Measurement.Value: malformed JSON: invalid value '012'", "Measurement.Value"));
  add(reject("ImpossibleMonthNamesTheField",
             MeterMessage{.observation_time = json_string("2021-19-01T10:33:00Z")}.json(),
             "ObservationTime: '2021-19-01T10:33:00Z' is not a valid timestamp",
             "ObservationTime"));
  add(reject(
      "ImpossibleDay", MeterMessage{.observation_time = json_string("2021-02-30T10:33:00Z")}.json(),
      "ObservationTime: '2021-02-30T10:33:00Z' is not a valid timestamp", "ObservationTime"));
  add(reject("TimestampNotADate", MeterMessage{.observation_time = json_string("yesterday")}.json(),
             "ObservationTime: 'yesterday' is not a valid timestamp", "ObservationTime"));
  add(reject("TimestampFromFractionalNumber",
             MeterMessage{.observation_time = "1611052380.5"}.json(),
             "~ObservationTime: 1611052380.5 is not a valid timestamp (a number must be whole",
             "ObservationTime"));
  add(reject("TimestampGivenBoolean", MeterMessage{.observation_time = "false"}.json(),
             "ObservationTime: expected timestamp, got a boolean", "ObservationTime"));
  add(reject("DuplicateKey", MeterMessage{.extra = R"("MeterId": "218")"}.json(),
             "MeterId: appears more than once (duplicate key)", "MeterId"));
  add(reject("TrailingDocument", MeterMessage{}.json() + " {}",
             "trailing content after the JSON object"));
  add(reject("TrailingGarbage", MeterMessage{}.json() + " x", "~malformed JSON"));
  add(reject("ArrayIsNotARecord", "[1, 2]", "the record is not a JSON object"));
  add(reject("StringIsNotARecord", "\"hello\"", "the record is not a JSON object"));
  add(reject("NumberIsNotARecord", "42", "the record is not a JSON object"));
  add(reject("TruncatedDocument", R"({"MeterId": "12", "SupplierId": "4", "Measurement": {"Val)",
             "~malformed JSON"));
  add(reject("InvalidUtf8", MeterMessage{.meter_id = "\"21\xff\""}.json(), "~UTF-8"));
  add(reject("InvalidUtf8InUnknownField", MeterMessage{.extra = "\"X\": \"\xc3\x28\""}.json(),
             "~UTF-8"));
  add(reject("InvalidEscape", MeterMessage{.meter_id = R"("a\x")"}.json(), "~malformed JSON",
             "MeterId"));
  add(reject("BadLiteral", MeterMessage{.unit = "tru"}.json(),
             "Measurement.Unit: malformed JSON: invalid value 'tru'", "Measurement.Unit"));
  add(reject("NestingBeyondTheLimitInUnknownField",
             MeterMessage{.extra = "\"Deep\": " + nested_arrays(64)}.json(),
             "Deep: nesting deeper than 64 levels", "Deep"));
  add(reject("NestingBeyondTheLimitInKeptText", MeterMessage{.meter_id = nested_arrays(64)}.json(),
             "MeterId: nesting deeper than 64 levels", "MeterId"));
  return cases;
}

class MeterRuleTest : public ::testing::TestWithParam<RuleCase> {};

TEST_P(MeterRuleTest, DecodesOrRejectsAsDocumented) {
  const RuleCase& c = GetParam();
  const Decoded d = decode_lines(meter_schema(), c.json);
  ASSERT_TRUE(d.status.ok()) << d.status.to_string();
  expect_consistent(d.batch);
  if (c.check) {
    ASSERT_EQ(d.rejects.size(), 0u) << d.rejects[0].reason;
    ASSERT_EQ(d.batch.num_rows(), 1);
    c.check(d.batch);
    return;
  }
  ASSERT_EQ(d.batch.num_rows(), 0);
  ASSERT_EQ(d.rejects.size(), 1u);
  const RejectedRecord& r = d.rejects[0];
  if (c.reason.starts_with("~")) {
    EXPECT_NE(r.reason.find(c.reason.substr(1)), std::string::npos) << r.reason;
  } else {
    EXPECT_EQ(r.reason, c.reason);
  }
  if (!c.field.empty()) {
    EXPECT_EQ(r.field, c.field);
  }
  EXPECT_EQ(r.raw, c.json);
  EXPECT_EQ(r.position.source, "test.ndjson");
  EXPECT_EQ(r.position.line, 1);
  EXPECT_EQ(r.position.offset, 0);
}

INSTANTIATE_TEST_SUITE_P(Rules, MeterRuleTest, ::testing::ValuesIn(rule_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(MeterRuleTest, AStringFieldOnlyKeepsWellFormedNumbers) {
  // A number for a string field is kept verbatim, but only when it is a JSON number.
  const Decoded d = decode_lines(meter_schema(), MeterMessage{.meter_id = "-"}.json());
  ASSERT_EQ(d.rejects.size(), 1u);
  EXPECT_EQ(d.rejects[0].reason, "MeterId: malformed JSON: invalid value '-'");
}

TEST(MeterRuleTest, FlattenedColumnsCarryTheDecodedValues) {
  const Decoded d = decode_lines(meter_schema(),
                                 MeterMessage{}.json() + "\n" + MeterMessage{.unit = kOmit}.json());
  ASSERT_EQ(d.batch.num_rows(), 2);
  auto flat = d.batch.flatten();
  ASSERT_TRUE(flat.ok()) << flat.status().to_string();
  ASSERT_EQ(flat->num_columns(), 5u);
  EXPECT_EQ(flat->schema().field(2).name, "Measurement_Value");
  EXPECT_TRUE(flat->column(2)->decimal_value(1) == 12345);
  EXPECT_EQ(flat->column(3)->string_value(0), "kWH");
  EXPECT_TRUE(flat->column(3)->is_null(1));
}

}  // namespace
}  // namespace lakestream::testing
