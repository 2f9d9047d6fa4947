// The VARIANT logical type: a variant column reads as a string column of JSON text, unshredded
// or shredded, never as its physical {metadata, value[, typed_value]} struct.
//
// Expected values come from apache/parquet-testing (tests/data/parquet-testing/variant and
// shredded_variant; sources in tests/data/README.md): `variant/` holds one metadata/value pair
// per basic type with its JSON in data_dictionary.json; `shredded_variant/` holds Iceberg's
// reader cases, each a Parquet file and the expected unshredded variant of each row (metadata
// bytes followed by value bytes) or the error a reader must give. Hand-built values and files
// cover the JSON form of every primitive, variants nested in structs and lists, and corrupt
// bytes, which must give errors naming the file, column and row, never a crash.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "lakestream/common/decimal.h"
#include "lakestream/parquet/parquet_reader.h"
#include "lakestream/parquet/parquet_writer.h"
#include "lakestream/storage/local_file_system.h"
#include "parquet/parquet_types.h"
#include "parquet/thrift_compact.h"
#include "parquet/variant.h"
#include "support/memory_output.h"

namespace lakestream {
namespace {

namespace fs = std::filesystem;
using parquet::VariantDecoder;
using parquet::VariantMetadata;

const fs::path kTesting = fs::path(LAKESTREAM_SOURCE_DIR) / "tests" / "data" / "parquet-testing";

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// ---- JSON compared by structure ------------------------------------------------------------

/// A canonical text of a JSON value: object keys sorted, numbers as (sign, significant digits,
/// exponent) so 1.0E9, 1000000000 and 1e9 compare equal while 0.1 and 0.10000000000000001 do
/// not, strings re-escaped. Two texts are the same JSON exactly when their canonical texts are.
class Canonical : public nlohmann::json_sax<nlohmann::json> {
 public:
  static std::string of(const std::string& text) {
    Canonical c;
    const bool ok = nlohmann::json::sax_parse(text, &c);
    if (!ok || c.stack_.size() != 1) return "<not JSON: " + text + ">";
    return c.stack_[0].text;
  }

  bool null() override { return leaf("null"); }
  bool boolean(bool v) override { return leaf(v ? "true" : "false"); }
  bool number_integer(number_integer_t v) override { return leaf(number(std::to_string(v))); }
  bool number_unsigned(number_unsigned_t v) override { return leaf(number(std::to_string(v))); }
  bool number_float(number_float_t, const string_t& s) override { return leaf(number(s)); }
  bool string(string_t& v) override { return leaf(nlohmann::json(v).dump()); }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override {
    stack_.push_back({true, {}, {}, {}});
    return true;
  }
  bool key(string_t& k) override {
    stack_.back().key = nlohmann::json(k).dump();
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override {
    stack_.push_back({false, {}, {}, {}});
    return true;
  }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  struct Frame {
    bool object;
    std::string key;
    std::vector<std::pair<std::string, std::string>> members;  // (key, canonical value)
    std::string text;                                          // a finished value
  };

  /// "-1.50e3" -> "-|15|4": digits without leading/trailing zeros, value = 0.digits * 10^exp.
  static std::string number(const std::string& s) {
    size_t i = 0;
    const bool negative = s[0] == '-';
    if (negative) ++i;
    std::string digits;
    int point = -1;
    for (; i < s.size() && s[i] != 'e' && s[i] != 'E'; ++i) {
      if (s[i] == '.') {
        point = static_cast<int>(digits.size());
      } else {
        digits.push_back(s[i]);
      }
    }
    int exp = point < 0 ? static_cast<int>(digits.size()) : point;
    if (i < s.size()) exp += std::stoi(s.substr(i + 1));
    const size_t first = digits.find_first_not_of('0');
    if (first == std::string::npos) return "0";
    exp -= static_cast<int>(first);
    digits = digits.substr(first);
    digits.erase(digits.find_last_not_of('0') + 1);
    return std::string(negative ? "-" : "") + digits + "e" + std::to_string(exp);
  }

  bool leaf(std::string text) {
    if (stack_.empty()) {
      stack_.push_back({false, {}, {}, std::move(text)});
      return true;
    }
    Frame& f = stack_.back();
    f.members.emplace_back(f.object ? f.key : "", std::move(text));
    return true;
  }

  bool close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    std::string text = f.object ? "{" : "[";
    if (f.object) {
      std::sort(f.members.begin(), f.members.end());
      for (size_t i = 1; i < f.members.size(); ++i) {
        if (f.members[i].first == f.members[i - 1].first) return false;  // duplicate key
      }
    }
    for (size_t i = 0; i < f.members.size(); ++i) {
      if (i > 0) text += ",";
      if (f.object) text += f.members[i].first + ":";
      text += f.members[i].second;
    }
    text += f.object ? "}" : "]";
    return leaf(std::move(text));
  }

  std::vector<Frame> stack_;
};

#define EXPECT_SAME_JSON(actual, expected) \
  EXPECT_EQ(Canonical::of(actual), Canonical::of(expected)) << "actual: " << (actual)

/// The JSON text of a variant, or the error.
Result<std::string> to_json(std::string_view metadata, std::string_view value) {
  VariantMetadata md;
  LS_RETURN_NOT_OK(VariantMetadata::parse(metadata, &md));
  VariantDecoder decoder;
  std::string out;
  LS_RETURN_NOT_OK(decoder.to_json(md, value, &out));
  return out;
}

/// A shredded_variant `*.variant.bin`: metadata then value, split where the metadata ends.
Result<std::string> bin_to_json(const std::string& bytes) {
  VariantMetadata md;
  LS_RETURN_NOT_OK(VariantMetadata::parse(bytes, &md));
  return to_json(std::string_view(bytes).substr(0, md.encoded_size()),
                 std::string_view(bytes).substr(md.encoded_size()));
}

// ---- variant/: every basic type against data_dictionary.json --------------------------------

class VariantBasicTypes : public ::testing::TestWithParam<std::string> {};

/// The JSON text lakestream gives where data_dictionary.json writes the value in another form:
/// Spark's text for timestamps (a zone offset, a space), a time with ':' before the fraction,
/// a decimal16 passed through a double. Each says why.
const std::map<std::string, std::string>& our_forms() {
  static const std::map<std::string, std::string> forms = {
      // dictionary: "2025-04-16 12:34:56.78-04:00" (Spark, in the session zone): the same instant
      {"primitive_timestamp", "\"2025-04-16T16:34:56.780000Z\""},
      // dictionary: "2025-04-16 12:34:56.78"
      {"primitive_timestampntz", "\"2025-04-16T12:34:56.780000\""},
      // dictionary: "2024-11-07T12:33:54.123456789+00:00"
      {"primitive_timestamp_nanos", "\"2024-11-07T12:33:54.123456789Z\""},
      // dictionary: "12:33:54:123456"
      {"primitive_time", "\"12:33:54.123456\""},
      // dictionary: 1.2345678912345678e+16 (a double); the value is decimal16 1234567891234567890
      // at scale 2, and we keep every digit
      {"primitive_decimal16", "12345678912345678.90"},
      // dictionary: 1234567940.0, from JDK 17's Float.toString (1.23456794E9), one digit more
      // than needed: the float is 1234567936 and 1.234568E9 is the shortest text that reads
      // back as it (FloatRoundTrip below checks both denote the same float)
      {"primitive_float", "1.234568E9"},
  };
  return forms;
}

const nlohmann::json& data_dictionary() {
  static const nlohmann::json dict = [] {
    std::string text = read_bytes(kTesting / "variant" / "data_dictionary.json");
    // The file ends its object with a trailing comma, which strict JSON refuses.
    const size_t last = text.rfind(',');
    if (last != std::string::npos &&
        text.find_first_not_of(" \t\r\n}", last + 1) == std::string::npos) {
      text.erase(last, 1);
    }
    return nlohmann::json::parse(text);
  }();
  return dict;
}

TEST_P(VariantBasicTypes, MatchesTheDataDictionary) {
  const std::string name = GetParam();
  const std::string metadata = read_bytes(kTesting / "variant" / (name + ".metadata"));
  const std::string value = read_bytes(kTesting / "variant" / (name + ".value"));
  auto json = to_json(metadata, value);
  ASSERT_TRUE(json.ok()) << json.status().to_string();
  std::string expected;
  if (const auto form = our_forms().find(name); form != our_forms().end()) {
    expected = form->second;
  } else if (name == "long_string") {
    // Not in data_dictionary.json: a string primitive (header 0x40) whose 4-byte length is
    // followed by the text.
    ASSERT_EQ(value.substr(0, 1), "\x40");
    expected = nlohmann::json(value.substr(5)).dump();
  } else {
    ASSERT_TRUE(data_dictionary().contains(name)) << name;
    expected = data_dictionary()[name].dump();
  }
  EXPECT_SAME_JSON(*json, expected);
}

std::vector<std::string> basic_type_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kTesting / "variant")) {
    if (entry.path().extension() == ".metadata") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(ParquetTesting, VariantBasicTypes, ::testing::ValuesIn(basic_type_names()),
                         [](const auto& info) { return info.param; });

TEST(VariantBasicTypesTest, EveryPrimitiveTypeOfTheSpecIsCovered) {
  // 21 primitive type ids (null, true, false, int8 ... uuid), short and long strings, empty,
  // flat and nested objects and arrays; every one but long_string is in the dictionary.
  const auto names = basic_type_names();
  EXPECT_EQ(names.size(), 29u);
  EXPECT_EQ(data_dictionary().size(), names.size() - 1);
}

TEST(VariantBasicTypesTest, FloatRoundTrip) {
  // Our shortest text and the dictionary's longer one read back as the same float.
  EXPECT_EQ(std::strtof(our_forms().at("primitive_float").c_str(), nullptr),
            data_dictionary()["primitive_float"].get<float>());
}

// ---- hand-built values: the JSON form of each type -------------------------------------------

std::string bytes_of(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}
template <typename T>
std::string le(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}
std::string primitive(int id, const std::string& payload = "") {
  return std::string(1, static_cast<char>(id << 2)) + payload;
}
std::string short_string(const std::string& s) {
  return std::string(1, static_cast<char>((s.size() << 2) | 1)) + s;
}
/// A metadata dictionary with 1-byte offsets.
std::string metadata_of(const std::vector<std::string>& keys, bool sorted = false) {
  std::string m(1, static_cast<char>(0x01 | (sorted ? 0x10 : 0)));
  m.push_back(static_cast<char>(keys.size()));
  int off = 0;
  m.push_back(0);
  for (const auto& k : keys) {
    off += static_cast<int>(k.size());
    m.push_back(static_cast<char>(off));
  }
  for (const auto& k : keys) m += k;
  return m;
}
const std::string kEmptyMetadata = bytes_of({0x01, 0x00, 0x00});

/// An object with 1-byte ids and offsets; values laid out in the given order.
std::string object_of(const std::vector<std::pair<int, std::string>>& fields) {
  std::string o(1, static_cast<char>(2));
  o.push_back(static_cast<char>(fields.size()));
  for (const auto& f : fields) o.push_back(static_cast<char>(f.first));
  int off = 0;
  std::string data;
  for (const auto& f : fields) {
    o.push_back(static_cast<char>(off));
    off += static_cast<int>(f.second.size());
    data += f.second;
  }
  o.push_back(static_cast<char>(off));
  return o + data;
}
std::string array_of(const std::vector<std::string>& items) {
  std::string a(1, static_cast<char>(3));
  a.push_back(static_cast<char>(items.size()));
  int off = 0;
  std::string data;
  for (const auto& v : items) {
    a.push_back(static_cast<char>(off));
    off += static_cast<int>(v.size());
    data += v;
  }
  a.push_back(static_cast<char>(off));
  return a + data;
}

struct FormCase {
  const char* name;
  std::string value;
  std::string json;  // exact text expected
};

class VariantJsonForms : public ::testing::TestWithParam<FormCase> {};

TEST_P(VariantJsonForms, WriteTheDocumentedText) {
  auto json = to_json(kEmptyMetadata, GetParam().value);
  ASSERT_TRUE(json.ok()) << json.status().to_string();
  EXPECT_EQ(*json, GetParam().json);
  EXPECT_NE(Canonical::of(*json).substr(0, 4), "<not") << "not JSON: " << *json;
}

INSTANTIATE_TEST_SUITE_P(
    Primitives, VariantJsonForms,
    ::testing::Values(
        FormCase{"null", primitive(0), "null"}, FormCase{"true", primitive(1), "true"},
        FormCase{"false", primitive(2), "false"},
        FormCase{"int8", primitive(3, le<int8_t>(-128)), "-128"},
        FormCase{"int16", primitive(4, le<int16_t>(-32768)), "-32768"},
        FormCase{"int32", primitive(5, le<int32_t>(2147483647)), "2147483647"},
        FormCase{"int64", primitive(6, le<int64_t>(INT64_MIN)), "-9223372036854775808"},
        FormCase{"double", primitive(7, le<double>(0.1)), "0.1"},
        FormCase{"double_large", primitive(7, le<double>(1e300)), "1.0E300"},
        FormCase{"double_negative_zero", primitive(7, le<double>(-0.0)), "-0.0"},
        FormCase{"double_nan", primitive(7, le<double>(std::nan(""))), "\"NaN\""},
        FormCase{"double_infinity", primitive(7, le<double>(-HUGE_VAL)), "\"-Infinity\""},
        FormCase{"float", primitive(14, le<float>(10.11f)), "10.11"},
        FormCase{"float_infinity", primitive(14, le<float>(HUGE_VALF)), "\"Infinity\""},
        FormCase{"decimal4", primitive(8, bytes_of({2}) + le<int32_t>(-5)), "-0.05"},
        FormCase{"decimal8_trailing_zeros", primitive(9, bytes_of({3}) + le<int64_t>(12000)),
                 "12.000"},
        FormCase{"decimal16_38_digits",
                 primitive(10, bytes_of({0}) + le<int128_t>(-(pow10_i128(38) - 1))),
                 "-99999999999999999999999999999999999999"},
        FormCase{"decimal16_scale_38", primitive(10, bytes_of({38}) + le<int128_t>(1)),
                 "0.00000000000000000000000000000000000001"},
        FormCase{"date", primitive(11, le<int32_t>(-1)), "\"1969-12-31\""},
        FormCase{"timestamp", primitive(12, le<int64_t>(-1)), "\"1969-12-31T23:59:59.999999Z\""},
        FormCase{"timestamp_ntz", primitive(13, le<int64_t>(1)), "\"1970-01-01T00:00:00.000001\""},
        FormCase{"timestamp_nanos", primitive(18, le<int64_t>(-1)),
                 "\"1969-12-31T23:59:59.999999999Z\""},
        FormCase{"timestamp_ntz_nanos", primitive(19, le<int64_t>(1'000'000'123)),
                 "\"1970-01-01T00:00:01.000000123\""},
        FormCase{"time", primitive(17, le<int64_t>(86'399'999'999)), "\"23:59:59.999999\""},
        FormCase{"binary", primitive(15, le<uint32_t>(4) + bytes_of({0x0a, 0x0b, 0x0c, 0x0d})),
                 "\"CgsMDQ==\""},
        FormCase{"string_escaped", primitive(16, le<uint32_t>(7) + "a\"\\\n\x01\xc3\xa9"),
                 "\"a\\\"\\\\\\n\\u0001\xc3\xa9\""},
        FormCase{"short_string_empty", short_string(""), "\"\""},
        FormCase{"uuid",
                 primitive(20, bytes_of({0xf2, 0x4f, 0x9b, 0x64, 0x81, 0xfa, 0x49, 0xd1, 0xb7, 0x4e,
                                         0x8c, 0x09, 0xa6, 0xe3, 0x1c, 0x56})),
                 "\"f24f9b64-81fa-49d1-b74e-8c09a6e31c56\""},
        FormCase{"empty_array", array_of({}), "[]"},
        FormCase{"nested_array", array_of({array_of({primitive(0)}), short_string("x")}),
                 "[[null],\"x\"]"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(VariantJsonTest, ObjectsUseTheMetadataKeysAndTheirEncodedOrder) {
  const std::string md = metadata_of({"b", "a", "k\"ey"});
  // Field ids sorted by name (a=1, b=0, k"ey=2), values laid out in another order.
  const std::string v = object_of(
      {{1, primitive(3, le<int8_t>(1))}, {0, object_of({})}, {2, array_of({primitive(1)})}});
  auto json = to_json(md, v);
  ASSERT_TRUE(json.ok()) << json.status().to_string();
  EXPECT_EQ(*json, "{\"a\":1,\"b\":{},\"k\\\"ey\":[true]}");
}

// ---- corrupt values: errors, never crashes ---------------------------------------------------

struct CorruptCase {
  const char* name;
  std::string metadata;
  std::string value;
  const char* message;  // a part of the error message
};

class VariantCorrupt : public ::testing::TestWithParam<CorruptCase> {};

TEST_P(VariantCorrupt, IsAnErrorSayingWhat) {
  auto json = to_json(GetParam().metadata, GetParam().value);
  ASSERT_FALSE(json.ok()) << *json;
  EXPECT_NE(json.status().message().find(GetParam().message), std::string::npos)
      << json.status().to_string();
}

/// Arrays of one element nested `depth` deep around a null, with 4-byte offsets.
std::string deep_array(int depth) {
  std::string v = primitive(0);
  for (int i = 0; i < depth; ++i) {
    v = bytes_of({(3 << 2) | 3, 1}) + le<uint32_t>(0) +
        le<uint32_t>(static_cast<uint32_t>(v.size())) + v;
  }
  return v;
}

INSTANTIATE_TEST_SUITE_P(
    Bytes, VariantCorrupt,
    ::testing::Values(
        CorruptCase{"metadata_empty", "", primitive(0), "metadata is empty"},
        CorruptCase{"metadata_version_0", bytes_of({0x00, 0, 0}), primitive(0), "version 0"},
        CorruptCase{"metadata_version_2", bytes_of({0x02, 0, 0}), primitive(0), "version 2"},
        CorruptCase{"metadata_truncated_size", bytes_of({0xc1, 0, 0}), primitive(0),
                    "ends inside its dictionary size"},
        CorruptCase{"metadata_offsets_past_end", bytes_of({0x01, 200, 0, 1}), primitive(0),
                    "announces 200 keys"},
        CorruptCase{"metadata_keys_past_end", bytes_of({0x01, 1, 0, 9, 'a'}), primitive(0),
                    "keys end at byte 13"},
        CorruptCase{"key_offsets_reversed", bytes_of({0x01, 2, 0, 2, 1, 'a', 'b'}),
                    object_of({{1, primitive(0)}}), "metadata key 1 spans bytes 2..1"},
        CorruptCase{"field_id_beyond_dictionary", metadata_of({"a"}),
                    object_of({{5, primitive(0)}}), "field id 5 is beyond"},
        CorruptCase{"value_empty", kEmptyMetadata, "", "needs 1 bytes"},
        CorruptCase{"int64_truncated", kEmptyMetadata, primitive(6, "abc"), "needs 9 bytes"},
        CorruptCase{"string_length_past_end", kEmptyMetadata,
                    primitive(16, le<uint32_t>(1000) + "abc"), "needs 1005 bytes"},
        CorruptCase{"short_string_past_end", kEmptyMetadata, bytes_of({(10 << 2) | 1, 'a'}),
                    "needs 11 bytes"},
        CorruptCase{"array_count_past_end", kEmptyMetadata, bytes_of({0x03, 50, 0, 1}),
                    "announces 50 elements"},
        CorruptCase{"array_data_past_end", kEmptyMetadata, bytes_of({0x03, 1, 0, 40, 0}),
                    "has 40 bytes of data"},
        CorruptCase{"array_offset_past_data", kEmptyMetadata, bytes_of({0x03, 1, 3, 1, 0}),
                    "starts at offset 3, beyond its 1 bytes"},
        CorruptCase{"element_past_data", kEmptyMetadata,
                    bytes_of({0x03, 1, 0, 1, 6 << 2, 1, 2, 3, 4, 5, 6, 7, 8}), "needs 9 bytes"},
        CorruptCase{"elements_share_bytes", kEmptyMetadata,
                    bytes_of({0x03, 3, 0, 0, 0, 2, (1 << 2) | 1, 'x'}), "overlap"},
        CorruptCase{"decimal_scale_39", kEmptyMetadata, primitive(8, bytes_of({39, 1, 0, 0, 0})),
                    "scale 39"},
        CorruptCase{"time_beyond_a_day", kEmptyMetadata, primitive(17, le<int64_t>(86'400'000'000)),
                    "outside one day"},
        CorruptCase{"invalid_utf8", kEmptyMetadata, short_string("\xc3("), "not valid UTF-8"},
        CorruptCase{"invalid_utf8_key", metadata_of({"\xff"}), object_of({{0, primitive(0)}}),
                    "not valid UTF-8"},
        CorruptCase{"unknown_primitive", kEmptyMetadata, primitive(21), "type id 21"},
        CorruptCase{"nested_too_deep", kEmptyMetadata, deep_array(1001), "nested deeper"}),

    [](const auto& info) { return std::string(info.param.name); });

TEST(VariantJsonTest, NestingUpToTheLimitIsRead) {
  auto json = to_json(kEmptyMetadata, deep_array(1000));
  ASSERT_TRUE(json.ok()) << json.status().to_string();
  EXPECT_EQ(*json, std::string(1000, '[') + "null" + std::string(1000, ']'));
}

TEST(VariantCorruptTest, EveryTruncationAndByteFlipOfTheSamplesIsHandled) {
  // Each sample value of variant/ cut at every length and with every byte flipped: an error or
  // some JSON, never a crash or a read outside the buffer (ASan runs this too).
  int errors = 0;
  for (const auto& name : basic_type_names()) {
    const std::string md = read_bytes(kTesting / "variant" / (name + ".metadata"));
    const std::string value = read_bytes(kTesting / "variant" / (name + ".value"));
    for (size_t n = 0; n < value.size(); ++n) {
      // A copy of exactly n bytes, so reading past it is a heap overflow ASan reports.
      const std::string cut = value.substr(0, n);
      errors += !to_json(md, cut).ok();
    }
    for (size_t n = 0; n < md.size(); ++n) errors += !to_json(md.substr(0, n), value).ok();
    for (size_t i = 0; i < value.size(); ++i) {
      for (int bit : {0x01, 0x10, 0x80, 0xff}) {
        std::string flipped = value;
        flipped[i] = static_cast<char>(flipped[i] ^ bit);
        (void)to_json(md, flipped);
      }
    }
  }
  EXPECT_GT(errors, 500);  // truncations must be noticed, not read as shorter values
}

// ---- shredded_variant/: Iceberg's reader cases --------------------------------------------------

Result<std::unique_ptr<ParquetReader>> open_file(const fs::path& path) {
  LocalFileSystem local(path.parent_path().string());
  LS_ASSIGN_OR_RAISE(auto input, local.open_input_file(path.filename().string()));
  return ParquetReader::open(std::move(input));
}

/// Every value of column `var`, as JSON text (nullopt for a null), or the error.
Result<std::vector<std::optional<std::string>>> read_var(ParquetReader& reader) {
  std::vector<std::optional<std::string>> out;
  for (int g = 0; g < reader.num_row_groups(); ++g) {
    LS_ASSIGN_OR_RAISE(RecordBatch b, reader.read_row_group(g, std::vector<std::string>{"var"}));
    const Column& c = *b.column(0);
    for (int64_t r = 0; r < c.length(); ++r) {
      if (c.is_null(r)) {
        out.emplace_back();
      } else {
        out.emplace_back(std::string(c.string_value(r)));
      }
    }
  }
  return out;
}

struct ShreddedCase {
  int number = 0;
  std::string test;
  std::string parquet_file;
  std::vector<std::optional<std::string>> variant_files;  // one per row; nullopt: SQL null
  std::string error_message;                              // an error case
  bool invalid = false;  // the spec calls the file invalid; readers may error or read it
};

std::vector<ShreddedCase> shredded_cases() {
  std::vector<ShreddedCase> cases;
  const auto all = nlohmann::json::parse(read_bytes(kTesting / "shredded_variant" / "cases.json"));
  for (const auto& c : all) {
    if (!c.contains("parquet_file")) continue;  // case 3 has no files
    ShreddedCase sc;
    sc.number = c["case_number"].get<int>();
    sc.test = c["test"].get<std::string>();
    sc.parquet_file = c["parquet_file"].get<std::string>();
    sc.invalid = c.contains("notes");
    if (c.contains("error_message")) sc.error_message = c["error_message"].get<std::string>();
    if (c.contains("variant_file"))
      sc.variant_files.emplace_back(c["variant_file"].get<std::string>());
    if (c.contains("variant_files")) {
      for (const auto& f : c["variant_files"]) {
        if (f.is_null()) {
          sc.variant_files.emplace_back();
        } else {
          sc.variant_files.emplace_back(f.get<std::string>());
        }
      }
    }
    cases.push_back(std::move(sc));
  }
  return cases;
}

class ShreddedVariantCases : public ::testing::TestWithParam<ShreddedCase> {};

TEST_P(ShreddedVariantCases, ReadAsTheExpectedVariantOrFail) {
  const ShreddedCase& c = GetParam();
  const fs::path dir = kTesting / "shredded_variant";
  auto reader = open_file(dir / c.parquet_file);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  if (!c.error_message.empty()) {
    // Unsupported shredded types make the column unreadable (listed as skipped, an error when
    // asked for); invalid data is a Corrupt error naming the file, the column and the row.
    auto values = read_var(**reader);
    ASSERT_FALSE(values.ok()) << c.test << " should fail with: " << c.error_message;
    const std::string msg = values.status().to_string();
    EXPECT_NE(msg.find(c.parquet_file), std::string::npos) << msg;
    EXPECT_NE(msg.find("var"), std::string::npos) << msg;
    if (c.error_message.starts_with("Unsupported")) {
      ASSERT_EQ((*reader)->skipped_columns().size(), 1u);
      EXPECT_EQ((*reader)->skipped_columns()[0].name, "var");
      EXPECT_FALSE((*reader)->schema().has_field("var"));
    } else {
      EXPECT_EQ(values.status().code(), StatusCode::kCorrupt) << msg;
      EXPECT_NE(msg.find("row 0"), std::string::npos) << msg;
      EXPECT_NE(msg.find("invalid variant"), std::string::npos) << msg;
    }
    return;
  }
  ASSERT_TRUE((*reader)->schema().has_field("var"));
  EXPECT_EQ((*reader)->schema().field(*(*reader)->schema().index_of("var")).type->id(),
            TypeId::kString);
  auto values = read_var(**reader);
  ASSERT_TRUE(values.ok()) << values.status().to_string();
  ASSERT_EQ(values->size(), c.variant_files.size());
  for (size_t r = 0; r < values->size(); ++r) {
    SCOPED_TRACE("row " + std::to_string(r));
    if (!c.variant_files[r]) {
      EXPECT_FALSE((*values)[r].has_value()) << *(*values)[r];
      continue;
    }
    ASSERT_TRUE((*values)[r].has_value());
    auto expected = bin_to_json(read_bytes(dir / *c.variant_files[r]));
    ASSERT_TRUE(expected.ok()) << expected.status().to_string();
    EXPECT_SAME_JSON(*(*values)[r], *expected);
  }
}

INSTANTIATE_TEST_SUITE_P(ParquetTesting, ShreddedVariantCases,
                         ::testing::ValuesIn(shredded_cases()), [](const auto& info) {
                           return "case_" + std::to_string(info.param.number) + "_" +
                                  info.param.test;
                         });

TEST(ShreddedVariantTest, AllCasesOfTheFolderAreRun) {
  // 137 cases in cases.json; case 3 names no file.
  EXPECT_EQ(shredded_cases().size(), 137u);
}

/// The JSON of a case's single row, read from its Parquet file.
std::string first_row(const std::string& file) {
  auto reader = open_file(kTesting / "shredded_variant" / file);
  EXPECT_TRUE(reader.ok()) << reader.status().to_string();
  if (!reader.ok()) return "";
  auto values = read_var(**reader);
  EXPECT_TRUE(values.ok()) << values.status().to_string();
  if (!values.ok() || values->empty() || !(*values)[0]) return "<none>";
  return *(*values)[0];
}

TEST(ShreddedVariantTest, ValuesMatchTheCaseDescriptions) {
  // Independent of our decoder of the expected .variant.bin files: the values cases.json
  // describes in words, written as lakestream's JSON.
  EXPECT_EQ(first_row("case-033.parquet"), "\"2024-11-07T12:33:54.123456789Z\"");  // tz nanos
  EXPECT_EQ(first_row("case-036.parquet"), "\"1957-11-07T12:33:54.123456789\"");   // ntz nanos
  EXPECT_EQ(first_row("case-021.parquet"), "\"1957-11-07T12:33:54.123456Z\"");
  EXPECT_EQ(first_row("case-029.parquet"), "-9876543210.123456789");  // decimal16
  EXPECT_EQ(first_row("case-026.parquet"), "123456789.987654321");    // decimal8
  EXPECT_EQ(first_row("case-030.parquet"), "\"CgsMDQ==\"");           // binary 0A0B0C0D
  EXPECT_EQ(first_row("case-032.parquet"), "\"12:33:54.123456\"");
  EXPECT_EQ(first_row("case-037.parquet"), "\"f24f9b64-81fa-49d1-b74e-8c09a6e31c56\"");
  EXPECT_EQ(first_row("case-015.parquet"), "-10.11");  // float
  // Partially shredded: value {d} merged with shredded a (variant null) and b, in key order.
  EXPECT_EQ(first_row("case-134.parquet"), "{\"a\":null,\"b\":\"iceberg\",\"d\":\"2024-01-30\"}");
  EXPECT_EQ(first_row("case-130.parquet"), "{}");      // every shredded field missing
  EXPECT_EQ(first_row("case-129.parquet"), "null");    // value and typed_value both null
  EXPECT_EQ(first_row("case-085.parquet"), "[null]");  // a missing element reads as null
  EXPECT_SAME_JSON(first_row("case-136.parquet"), "[[\"comedy\",\"drama\"],[]]");
}

// ---- files built here: nested variants, SQL nulls, corrupt bytes -----------------------------

/// A file of our writer whose groups named in `variants` are then annotated VARIANT in the
/// footer (our writer never annotates one; re-encoding the footer makes test files of any
/// shape).
std::string annotate_variants(
    const std::string& file, const std::vector<std::string>& variants,
    parquet::LogicalType::Kind kind = parquet::LogicalType::Kind::kVariant) {
  uint32_t len = 0;
  std::memcpy(&len, file.data() + file.size() - 8, 4);
  const std::string_view footer(file.data() + file.size() - 8 - len, len);
  parquet::FileMetaData md;
  parquet::ThriftCompactReader r(footer);
  EXPECT_TRUE(parquet::read_thrift(r, &md)) << r.error();
  int annotated = 0;
  for (auto& e : md.schema) {
    if (std::find(variants.begin(), variants.end(), e.name) != variants.end()) {
      e.logical_type.kind = kind;
      ++annotated;
    }
  }
  EXPECT_EQ(annotated, static_cast<int>(variants.size()));
  std::string out = file.substr(0, file.size() - 8 - len);
  std::string encoded;
  parquet::ThriftCompactWriter w(&encoded);
  parquet::write_thrift(w, md);
  out += encoded;
  const auto n = static_cast<uint32_t>(encoded.size());
  out.append(reinterpret_cast<const char*>(&n), 4);
  return out + "PAR1";
}

class BytesFile : public RandomAccessFile {
 public:
  BytesFile(std::string bytes, std::string path)
      : bytes_(std::move(bytes)), path_(std::move(path)) {}
  Result<int64_t> size() override { return static_cast<int64_t>(bytes_.size()); }
  Status read_at(int64_t offset, int64_t length, void* out) override {
    if (offset < 0 || length < 0 || offset + length > static_cast<int64_t>(bytes_.size())) {
      return Status::IOError("read past the end of " + path_);
    }
    std::memcpy(out, bytes_.data() + offset, static_cast<size_t>(length));
    return Status::OK();
  }
  const std::string& path() const override { return path_; }

 private:
  std::string bytes_;
  std::string path_;
};

DataTypePtr variant_struct() {
  return DataType::struct_({Field{"metadata", DataType::binary(), false, "{}"},
                            Field{"value", DataType::binary(), false, "{}"}});
}

/// Append a variant {metadata, value} row to a struct column built by variant_struct().
void append_variant(Column* c, const std::string& md, const std::string& value) {
  c->append_struct_valid();
  c->mutable_child(0).append_string(md);
  c->mutable_child(1).append_string(value);
}

std::string write_batch(const RecordBatch& batch) {
  std::string bytes;
  auto writer = ParquetWriter::open(std::make_unique<testing::MemoryOutput>(&bytes), batch.schema(),
                                    ParquetWriterOptions{});
  EXPECT_TRUE(writer.ok()) << writer.status().to_string();
  Status st = (*writer)->write(batch);
  EXPECT_TRUE(st.ok()) << st.to_string();
  EXPECT_TRUE((*writer)->close().ok());
  return bytes;
}

TEST(VariantColumnTest, TopLevelNestedAndNullVariantsReadAsJsonText) {
  const Schema schema =
      Schema()
          .add("var", variant_struct())
          .add("s", DataType::struct_({Field{"inner", variant_struct(), true, "{}"}}))
          .add("list", DataType::array(variant_struct(), true));
  std::vector<ColumnPtr> cols;
  for (const auto& f : schema.fields()) cols.push_back(Column::make(f.type));
  const std::string md = metadata_of({"k"});
  // row 0: values; row 1: SQL nulls everywhere (null group, null struct, null list);
  // row 2: variant nulls, an empty list, a list holding a null group.
  append_variant(cols[0].get(), md, object_of({{0, short_string("v")}}));
  cols[1]->append_struct_valid();
  append_variant(&cols[1]->mutable_child(0), md, array_of({primitive(3, le<int8_t>(7))}));
  append_variant(&cols[2]->mutable_child(0), kEmptyMetadata, primitive(1));
  append_variant(&cols[2]->mutable_child(0), kEmptyMetadata, short_string("x"));
  cols[2]->append_list_end();

  for (auto& c : cols) c->append_null();  // (a null struct row nulls its children too)

  append_variant(cols[0].get(), kEmptyMetadata, primitive(0));
  cols[1]->append_struct_valid();
  cols[1]->mutable_child(0).append_null();
  cols[2]->mutable_child(0).append_null();
  cols[2]->append_list_end();
  // row 3: a variant false, a variant null in the struct, an empty list.
  append_variant(cols[0].get(), kEmptyMetadata, primitive(2));
  cols[1]->append_struct_valid();
  append_variant(&cols[1]->mutable_child(0), kEmptyMetadata, primitive(0));
  cols[2]->append_list_end();

  const std::string file = annotate_variants(write_batch(RecordBatch(schema, std::move(cols))),
                                             {"var", "inner", "element"});
  auto reader = ParquetReader::open(std::make_unique<BytesFile>(file, "nested.parquet"));
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  const Schema& s = (*reader)->schema();
  EXPECT_EQ(s.to_ddl(), "var STRING,s STRUCT<inner: STRING>,list ARRAY<STRING>");
  auto batch = (*reader)->read_row_group(0);
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  const Column& var = *batch->column(0);
  const Column& inner = *batch->column(1)->child(0);
  const Column& list = *batch->column(2);
  ASSERT_EQ(batch->num_rows(), 4);
  EXPECT_EQ(var.string_value(0), "{\"k\":\"v\"}");
  EXPECT_TRUE(var.is_null(1));
  EXPECT_EQ(var.string_value(2), "null");
  EXPECT_EQ(var.string_value(3), "false");
  EXPECT_EQ(inner.string_value(0), "[7]");
  EXPECT_TRUE(batch->column(1)->is_null(1));
  EXPECT_TRUE(inner.is_null(2));
  EXPECT_EQ(inner.string_value(3), "null");
  ASSERT_EQ(list.offset(1) - list.offset(0), 2);
  EXPECT_EQ(list.child(0)->string_value(0), "true");
  EXPECT_EQ(list.child(0)->string_value(1), "\"x\"");
  EXPECT_TRUE(list.is_null(1));
  ASSERT_EQ(list.offset(3) - list.offset(2), 1);
  EXPECT_TRUE(list.child(0)->is_null(list.offset(2)));
  EXPECT_EQ(list.offset(4) - list.offset(3), 0);
}

TEST(VariantColumnTest, CorruptBytesInAFileNameTheFileColumnAndRow) {
  const Schema schema = Schema().add("var", variant_struct());
  std::vector<ColumnPtr> cols{Column::make(schema.field(0).type)};
  append_variant(cols[0].get(), kEmptyMetadata, primitive(5, le<int32_t>(1)));
  append_variant(cols[0].get(), kEmptyMetadata, primitive(6, "abc"));  // int64 of 3 bytes
  const std::string file =
      annotate_variants(write_batch(RecordBatch(schema, std::move(cols))), {"var"});
  auto reader = ParquetReader::open(std::make_unique<BytesFile>(file, "corrupt.parquet"));
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  auto batch = (*reader)->read_row_group(0);
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(batch.status().code(), StatusCode::kCorrupt);
  const std::string msg = batch.status().to_string();
  EXPECT_NE(msg.find("corrupt.parquet"), std::string::npos) << msg;
  EXPECT_NE(msg.find("column 'var'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("row 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("needs 9 bytes"), std::string::npos) << msg;
}

TEST(VariantColumnTest, AVariantGroupWithoutMetadataIsSkippedNotReadAsAStruct) {
  const Schema schema =
      Schema().add("var", DataType::struct_({Field{"value", DataType::binary(), false, "{}"}}));
  std::vector<ColumnPtr> cols{Column::make(schema.field(0).type)};
  cols[0]->append_struct_valid();
  cols[0]->mutable_child(0).append_string(primitive(0));
  const std::string file =
      annotate_variants(write_batch(RecordBatch(schema, std::move(cols))), {"var"});
  auto reader = ParquetReader::open(std::make_unique<BytesFile>(file, "nometa.parquet"));
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  EXPECT_FALSE((*reader)->schema().has_field("var"));
  ASSERT_EQ((*reader)->skipped_columns().size(), 1u);
  EXPECT_NE((*reader)->skipped_columns()[0].reason.find("no metadata field"), std::string::npos);
}

TEST(GroupAnnotationTest, AGroupWithALogicalTypeWeDoNotKnowIsSkippedNotReadAsAStruct) {
  // "No Parquet column is ever returned in a shape other than its logical type": a group whose
  // annotation we do not know (here VARIANT's id 16 changed to 40 in the footer) or one meant
  // for leaves is listed as skipped with the reason.
  const Schema schema = Schema().add("var", variant_struct()).add("s", variant_struct());
  std::vector<ColumnPtr> cols{Column::make(schema.field(0).type),
                              Column::make(schema.field(1).type)};
  append_variant(cols[0].get(), kEmptyMetadata, primitive(0));
  append_variant(cols[1].get(), kEmptyMetadata, primitive(0));
  std::string file = annotate_variants(
      annotate_variants(write_batch(RecordBatch(schema, std::move(cols))), {"var"}), {"s"},
      parquet::LogicalType::Kind::kString);
  // LogicalType member 16 (long field header: struct type 0x0c, zigzag id 0x20), holding
  // VariantType {1: i8 1}.
  const std::string member = bytes_of({0x0c, 0x20, 0x13, 0x01, 0x00});
  const size_t at = file.find(member);
  ASSERT_NE(at, std::string::npos);
  ASSERT_EQ(file.find(member, at + 1), std::string::npos);
  file[at + 1] = 0x50;  // field id 40
  auto reader = ParquetReader::open(std::make_unique<BytesFile>(file, "unknown.parquet"));
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  EXPECT_EQ((*reader)->schema().size(), 0u);
  ASSERT_EQ((*reader)->skipped_columns().size(), 2u);
  EXPECT_EQ((*reader)->skipped_columns()[0].reason,
            "group 'var' is annotated with a logical type this reader does not know");
  EXPECT_EQ((*reader)->skipped_columns()[1].reason,
            "group 's' is annotated with STRING, which is not a group type");
  auto batch = (*reader)->read_row_group(0, std::vector<std::string>{"var"});
  ASSERT_FALSE(batch.ok());
  EXPECT_NE(batch.status().message().find("cannot be read"), std::string::npos);
}

}  // namespace
}  // namespace lakestream
