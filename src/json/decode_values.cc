// Value conversion on the decoder's on-demand path (simdjson): one pass per record, the
// object's members visited in document order, each key matched against the plan (usually one
// comparison, since producers write fields in schema order), each value parsed straight into
// its column; and the rescued-data column. Nothing is allocated per value.
#include <algorithm>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "json/base64.h"
#include "json/decoder_impl.h"
#include "json/json_text.h"
#include "lakestream/common/decimal.h"
#include "lakestream/common/strings.h"
#include "lakestream/common/time.h"

namespace lakestream {

namespace {

using json_internal::ChildPlan;

constexpr int64_t kMicrosPerSecond = 1'000'000;

/// A string value's content straight from the input when it needs no unescaping (the common
/// case): no copy through simdjson's string buffer, and the value is not consumed (on-demand
/// steps over it). False when simdjson must decode it (escapes, control characters: its
/// get_string gives the error).
inline bool plain_string(od::value& value, std::string_view* out) {
  const std::string_view token = value.raw_json_token();  // "..." plus trailing blanks
  size_t n = token.size();
  while (n > 0 && token[n - 1] != '"') --n;
  if (n < 2) return false;
  const char* inner = token.data() + 1;
  if (!json_internal::plain_string_bytes(inner, n - 2)) return false;
  *out = std::string_view(inner, n - 2);
  return true;
}

/// A string value: from the input when plain, else unescaped by simdjson.
inline simdjson::error_code read_string(od::value& value, std::string_view* out) {
  if (plain_string(value, out)) return simdjson::SUCCESS;
  return value.get_string().get(*out);
}

/// Cut a number token for a message (numbers are not quoted, but may be absurdly long).
std::string number_text(std::string_view token) {
  constexpr size_t kMax = 64;
  return token.size() <= kMax ? std::string(token) : std::string(token.substr(0, kMax)) + "...";
}

}  // namespace

// ---- one record -----------------------------------------------------------------------------

Outcome JsonDecoder::Impl::parse_record(const char* buf, size_t len, size_t capacity,
                                        const std::vector<ColumnPtr>& columns) {
  failure_path_.clear();
  failure_what_.clear();
  od::document doc;
  if (auto error = parser_.iterate(buf, len, capacity).get(doc)) return malformed(error);
  od::object object;
  if (auto error = doc.get_object().get(object)) {
    if (error == simdjson::INCORRECT_TYPE) return bad_record("the record is not a JSON object");
    return malformed(error);
  }
  if (rescue_) begin_rescue(buf + len);
  Outcome outcome = decode_fields(object, *root_, columns, 1);
  if (outcome != Outcome::kOk) return outcome;
  // Anything left after the object ("{...} {...}", "{...} 1") is not one record.
  if (!doc.current_location().error()) return bad_record("trailing content after the JSON object");
  if (rescue_) finish_rescue(columns);
  return Outcome::kOk;
}

size_t JsonDecoder::Impl::find_child(TypePlan& plan, od::field& field, std::string_view* name,
                                     bool* key_error) {
  const size_t n = plan.children.size();
  const od::raw_json_string key = field.key();
  // The raw key runs to its closing quote (stage 1 guarantees one); escapes need unescaping.
  const char* raw = key.raw();
  size_t len = 0;
  bool escaped = false;
  while (raw[len] != '"') {
    if (raw[len] == '\\') {
      escaped = true;
      ++len;
    }
    ++len;
  }
  *name = std::string_view(raw, len);
  if (escaped && field.unescaped_key().get(*name)) {
    *key_error = true;
    return n;
  }
  const auto it = plan.index.find(*name);
  return it == plan.index.end() ? n : it->second;
}

Outcome JsonDecoder::Impl::decode_fields(od::object& object, TypePlan& plan,
                                         const std::vector<ColumnPtr>& columns, int depth) {
  const size_t n = plan.children.size();
  const uint32_t stamp = plan.next_stamp();
  size_t found = 0;
  size_t expected = 0;
  for (auto member : object) {
    od::field field;
    if (auto error = std::move(member).get(field)) return malformed(error);
    bool key_error = false;
    std::string_view key;
    // In-order members (the common case) match with one comparison, without a call.
    const size_t i = expected < n && plan.children[expected].matches_raw(field.key().raw())
                         ? expected
                         : find_child(plan, field, &key, &key_error);
    if (key_error) return bad_record("malformed JSON: invalid escape in a key");
    if (i == n) {  // not in the schema: ignored or rescued, held to the nesting limit either way
      const Outcome outcome = rescue_ ? rescue_member(field.value(), key, depth + 1)
                                      : skip_unknown(field.value(), depth + 1);
      if (outcome != Outcome::kOk) {
        prefix_path(key);
        return outcome;
      }
      continue;
    }
    ChildPlan& child = plan.children[i];
    if (plan.seen[i] == stamp) {
      failure_path_.clear();
      failure_what_ = "appears more than once (duplicate key)";
      prefix_path(child.name);
      return Outcome::kBadRecord;
    }
    plan.seen[i] = stamp;
    ++found;
    expected = i + 1;
    if (rescue_) path_.push_back({PathStep::kMember, child.name});
    const Outcome outcome =
        decode_slot(field.value(), *child.plan, child.nullable, *columns[i], depth + 1);
    if (rescue_) path_.pop_back();
    if (outcome != Outcome::kOk) {
      prefix_path(child.name);
      return outcome;
    }
  }
  if (found != n) {
    for (size_t i = 0; i < n; ++i) {
      if (plan.seen[i] == stamp) continue;
      const ChildPlan& child = plan.children[i];
      if (!child.nullable) {
        failure_path_ = child.name;
        failure_what_ = "is missing and not nullable";
        return Outcome::kBadValue;
      }
      columns[i]->append_null();
    }
  }
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::container_text(od::value& value, od::json_type type,
                                          std::string_view* raw) {
  if (type == od::json_type::object) {
    od::object object;
    if (auto error = value.get_object().get(object)) return malformed(error);
    if (auto error = object.raw_json().get(*raw)) return malformed(error);
  } else {
    od::array array;
    if (auto error = value.get_array().get(array)) return malformed(error);
    if (auto error = array.raw_json().get(*raw)) return malformed(error);
  }
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::skip_unknown(od::value value, int depth) {
  od::json_type type;
  if (auto error = value.type().get(type)) return malformed(error);
  // Scalars are left alone: on-demand skips them when the object moves on.
  if (type != od::json_type::object && type != od::json_type::array) return Outcome::kOk;
  std::string_view raw;
  if (Outcome o = container_text(value, type, &raw); o != Outcome::kOk) return o;
  if (depth - 1 + json_internal::json_nesting_depth(raw) > options_.max_depth) return too_deep();
  return Outcome::kOk;
}

// ---- the rescued-data column ----------------------------------------------------------------

void JsonDecoder::Impl::begin_rescue(const char* end) {
  rescued_.clear();
  path_.clear();
  record_end_ = end;
}

void JsonDecoder::Impl::finish_rescue(const std::vector<ColumnPtr>& columns) {
  Column& column = *columns.back();
  if (rescued_.empty()) {
    column.append_null();
    return;
  }
  rescued_.push_back('}');
  column.append_string(rescued_);
}

void JsonDecoder::Impl::add_rescued(const std::string_view* leaf, std::string_view text) {
  // The path as reject reasons write it: Device.Extra, Readings[2].Extra, Labels[site].Extra.
  rescued_path_.clear();
  const auto member = [this](std::string_view name) {
    if (!rescued_path_.empty()) rescued_path_.push_back('.');
    rescued_path_.append(name);
  };
  for (const PathStep& step : path_) {
    if (step.kind == PathStep::kMember) {
      member(step.name);
    } else {
      rescued_path_.push_back('[');
      if (step.kind == PathStep::kMapValue) {
        rescued_path_.append(step.name);
      } else {
        char digits[24];
        const auto r = std::to_chars(digits, digits + sizeof digits, step.index);
        rescued_path_.append(digits, r.ptr);
      }
      rescued_path_.push_back(']');
    }
  }
  if (leaf != nullptr) member(*leaf);
  rescued_.push_back(rescued_.empty() ? '{' : ',');
  append_json_string(rescued_, rescued_path_);
  rescued_.push_back(':');
  rescued_.append(text);
}

Outcome JsonDecoder::Impl::rescue_member(od::value value, std::string_view key, int depth) {
  od::json_type type;
  if (auto error = value.type().get(type)) return malformed(error);
  std::string_view raw;
  if (type == od::json_type::object || type == od::json_type::array) {
    if (Outcome o = container_text(value, type, &raw); o != Outcome::kOk) return o;
  } else {
    raw = value.raw_json_token();
  }
  raw = json_internal::trim_json_ws(raw);
  if ((type == od::json_type::object || type == od::json_type::array) &&
      depth - 1 + json_internal::json_nesting_depth(raw) > options_.max_depth) {
    return too_deep();
  }
  // On-demand skips what it is not asked about without checking it; what the column keeps must
  // read back as JSON, so it is held to the grammar here.
  if (json_internal::json_value_length(raw, &json_stack_) != raw.size()) {
    return malformed_token(raw);
  }
  add_rescued(&key, raw);
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::decode_slot_rescuing(od::value& value, TypePlan& plan, bool nullable,
                                                Column& column, int depth) {
  const char* const start = value.raw_json_token().data();
  const size_t rescued_before = rescued_.size();
  const int64_t before = column.length();
  const Outcome outcome = decode_value(value, plan, nullable, column, depth);
  if (outcome != Outcome::kBadValue || !nullable) return outcome;
  // As decode_slot in permissive mode, and the value made null is kept whole under its path
  // (what was rescued inside it so far is part of that text).
  column.truncate(before);
  column.append_null();
  failure_path_.clear();
  failure_what_.clear();
  rescued_.resize(rescued_before);
  const std::string_view rest(start, static_cast<size_t>(record_end_ - start));
  const size_t length = json_internal::json_value_length(rest, &json_stack_);
  if (length == 0) return malformed_token(rest.substr(0, rest.find_first_of(",}]")));
  const std::string_view text = rest.substr(0, length);
  if (depth - 1 + json_internal::json_nesting_depth(text) > options_.max_depth) return too_deep();
  add_rescued(nullptr, text);
  return Outcome::kOk;
}

// ---- values ---------------------------------------------------------------------------------

Outcome JsonDecoder::Impl::decode_slot(od::value value, TypePlan& plan, bool nullable,
                                       Column& column, int depth) {
  if (rescue_nulls_) [[unlikely]] {
    return decode_slot_rescuing(value, plan, nullable, column, depth);
  }
  const int64_t before = column.length();
  const Outcome outcome = decode_value(value, plan, nullable, column, depth);
  if (outcome == Outcome::kBadValue && nullable && options_.mode == DecodeMode::kPermissive) {
    // Spark's PERMISSIVE: the nearest nullable enclosing value becomes null, the record stays.
    column.truncate(before);
    column.append_null();
    failure_path_.clear();
    failure_what_.clear();
    return Outcome::kOk;
  }
  return outcome;
}

Outcome JsonDecoder::Impl::decode_value(od::value& value, TypePlan& plan, bool nullable,
                                        Column& column, int depth) {
  od::json_type type;
  if (auto error = value.type().get(type)) return malformed(error);
  value_depth_ = depth;
  if (type == od::json_type::null) {
    bool is_null = false;
    if (value.is_null().get(is_null) || !is_null) return malformed_token(value.raw_json_token());
    if (!nullable) return bad_value("is null and not nullable");
    column.append_null();
    return Outcome::kOk;
  }
  switch (plan.id) {
    case TypeId::kString:
      return decode_string(value, type, column, depth);
    case TypeId::kBoolean:
      return decode_boolean(value, type, plan, column);
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong:
      return decode_integer(value, type, plan, column);
    case TypeId::kFloat:
    case TypeId::kDouble:
      return decode_floating(value, type, plan, column);
    case TypeId::kDecimal:
      return decode_decimal(value, type, plan, column);
    case TypeId::kDate:
      return decode_date(value, type, plan, column);
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return decode_timestamp(value, type, plan, column);
    case TypeId::kBinary:
      return decode_binary(value, type, plan, column);
    case TypeId::kStruct:
      return decode_struct(value, type, plan, column, depth);
    case TypeId::kArray:
      return decode_array(value, type, plan, column, depth);
    case TypeId::kMap:
      return decode_map(value, type, plan, column, depth);
    case TypeId::kNull:
      return bad_value("is not null, and the field has type void");
  }
  return bad_record("internal: no decoder for " + plan.type->simple_string());
}

Outcome JsonDecoder::Impl::decode_string(od::value& value, od::json_type type, Column& column,
                                         int depth) {
  switch (type) {
    case od::json_type::string: {
      std::string_view s;
      if (auto error = read_string(value, &s)) return malformed(error);
      column.append_string(s);
      return Outcome::kOk;
    }
    case od::json_type::number: {
      // As Spark does: a string field given another JSON value keeps that value's JSON text.
      const std::string_view token = json_internal::trim_json_ws(value.raw_json_token());
      if (!json_internal::is_json_number(token)) return malformed_token(token);
      column.append_string(token);
      return Outcome::kOk;
    }
    case od::json_type::boolean: {
      bool b = false;
      if (value.get_bool().get(b)) return malformed_token(value.raw_json_token());
      column.append_string(b ? "true" : "false");
      return Outcome::kOk;
    }
    case od::json_type::object:
    case od::json_type::array: {
      std::string_view raw;
      if (type == od::json_type::object) {
        od::object object;
        if (auto error = value.get_object().get(object)) return malformed(error);
        if (auto error = object.raw_json().get(raw)) return malformed(error);
      } else {
        od::array array;
        if (auto error = value.get_array().get(array)) return malformed(error);
        if (auto error = array.raw_json().get(raw)) return malformed(error);
      }
      raw = json_internal::trim_json_ws(raw);
      if (depth - 1 + json_internal::json_nesting_depth(raw) > options_.max_depth) {
        return too_deep();
      }
      column.append_string(raw);
      return Outcome::kOk;
    }
    case od::json_type::null:
      break;
  }
  return bad_record("internal: unexpected null");
}

Outcome JsonDecoder::Impl::decode_boolean(od::value& value, od::json_type type, TypePlan& plan,
                                          Column& column) {
  if (type != od::json_type::boolean) return mismatch(value, type, plan);
  bool b = false;
  if (value.get_bool().get(b)) return malformed_token(value.raw_json_token());
  column.append_bool(b);
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::decode_integer(od::value& value, od::json_type type, TypePlan& plan,
                                          Column& column) {
  if (type != od::json_type::number) return mismatch(value, type, plan);
  int64_t v = 0;
  if (value.get_int64().get(v)) {
    // simdjson says only "not an int64": tell a fraction from an overflow from garbage.
    const std::string_view token = json_internal::trim_json_ws(value.raw_json_token());
    if (!json_internal::is_json_number(token)) return malformed_token(token);
    if (json_internal::has_fraction_or_exponent(token)) {
      return bad_value(number_text(token) + " is not an integer, expected " +
                       plan.type->simple_string());
    }
    return bad_value(number_text(token) + " is out of range for " + plan.type->simple_string());
  }
  int64_t lo = std::numeric_limits<int64_t>::min();
  int64_t hi = std::numeric_limits<int64_t>::max();
  switch (plan.id) {
    case TypeId::kByte:
      lo = INT8_MIN;
      hi = INT8_MAX;
      break;
    case TypeId::kShort:
      lo = INT16_MIN;
      hi = INT16_MAX;
      break;
    case TypeId::kInt:
      lo = INT32_MIN;
      hi = INT32_MAX;
      break;
    default:
      break;
  }
  if (v < lo || v > hi) {
    return bad_value(std::to_string(v) + " is out of range for " + plan.type->simple_string());
  }
  switch (plan.id) {
    case TypeId::kByte:
      column.append(static_cast<int8_t>(v));
      break;
    case TypeId::kShort:
      column.append(static_cast<int16_t>(v));
      break;
    case TypeId::kInt:
      column.append(static_cast<int32_t>(v));
      break;
    default:
      column.append(v);
      break;
  }
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::decode_floating(od::value& value, od::json_type type, TypePlan& plan,
                                           Column& column) {
  double d = 0;
  if (type == od::json_type::number) {
    if (value.get_double().get(d)) {
      const std::string_view token = json_internal::trim_json_ws(value.raw_json_token());
      if (!json_internal::is_json_number(token)) return malformed_token(token);
      return bad_value(number_text(token) + " is out of range for " + plan.type->simple_string());
    }
    if (plan.id == TypeId::kFloat && std::fabs(d) > FLT_MAX) {
      return bad_value(number_text(json_internal::trim_json_ws(value.raw_json_token())) +
                       " is out of range for float");
    }
  } else if (type == od::json_type::string) {
    // JSON has no literal for them, so NaN and the infinities travel as strings (as Spark's
    // allowNonNumericNumbers reads them).
    std::string_view s;
    if (auto error = value.get_string().get(s)) return malformed(error);
    if (s == "NaN") {
      d = std::numeric_limits<double>::quiet_NaN();
    } else if (s == "Infinity" || s == "+Infinity") {
      d = std::numeric_limits<double>::infinity();
    } else if (s == "-Infinity") {
      d = -std::numeric_limits<double>::infinity();
    } else {
      return bad_value(json_internal::quote_value(s) + " is not a valid " +
                       plan.type->simple_string());
    }
  } else {
    return mismatch(value, type, plan);
  }
  if (plan.id == TypeId::kFloat) {
    column.append(static_cast<float>(d));
  } else {
    column.append(d);
  }
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::decode_decimal(od::value& value, od::json_type type, TypePlan& plan,
                                          Column& column) {
  // Exact: from the number's own text (or a string), never through double.
  std::string_view text;
  bool quoted = false;
  if (type == od::json_type::number) {
    text = json_internal::trim_json_ws(value.raw_json_token());
    // Plain integers (the usual case) skip the grammar check and the general parser: k
    // significant digits fit decimal(p,s) when k + s <= p.
    int64_t v = 0;
    int digits = 0;
    if (json_internal::plain_integer(text, &v, &digits) && digits + plan.scale <= plan.precision) {
      column.append_decimal(static_cast<int128_t>(v) * pow10_i128(plan.scale));
      return Outcome::kOk;
    }
    if (!json_internal::is_json_number(text)) return malformed_token(text);
  } else if (type == od::json_type::string) {
    if (auto error = read_string(value, &text)) return malformed(error);
    quoted = true;
  } else {
    return mismatch(value, type, plan);
  }
  DecimalParseError why = DecimalParseError::kNone;
  const auto unscaled = parse_decimal(text, plan.precision, plan.scale, &why);
  if (unscaled) {
    column.append_decimal(*unscaled);
    return Outcome::kOk;
  }
  const std::string shown = quoted ? json_internal::quote_value(text) : number_text(text);
  const std::string type_name = plan.type->simple_string();
  switch (why) {
    case DecimalParseError::kOverflow:
      return bad_value(shown + " does not fit " + type_name);
    case DecimalParseError::kTooManyFractionDigits:
      return bad_value(shown + " has more fraction digits than " + type_name + " holds");
    default:
      return bad_value(shown + " is not a valid " + type_name);
  }
}

Outcome JsonDecoder::Impl::decode_timestamp(od::value& value, od::json_type type, TypePlan& plan,
                                            Column& column) {
  if (type == od::json_type::string) {
    std::string_view s;
    if (auto error = read_string(value, &s)) return malformed(error);
    const auto micros = parse_timestamp_micros(s);
    if (!micros) {
      return bad_value(json_internal::quote_value(s) + " is not a valid " +
                       plan.type->simple_string());
    }
    column.append(*micros);
    return Outcome::kOk;
  }
  if (type == od::json_type::number) {
    // Spark reads a JSON integer as seconds since the epoch.
    constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / kMicrosPerSecond;
    int64_t seconds = 0;
    const bool whole = !value.get_int64().get(seconds);
    if (!whole || seconds > kMaxSeconds || seconds < -kMaxSeconds) {
      const std::string_view token = json_internal::trim_json_ws(value.raw_json_token());
      if (!json_internal::is_json_number(token)) return malformed_token(token);
      return bad_value(number_text(token) + " is not a valid " + plan.type->simple_string() +
                       " (a number must be whole seconds since 1970-01-01T00:00:00Z)");
    }
    column.append(seconds * kMicrosPerSecond);
    return Outcome::kOk;
  }
  return mismatch(value, type, plan);
}

Outcome JsonDecoder::Impl::decode_date(od::value& value, od::json_type type, TypePlan& plan,
                                       Column& column) {
  if (type != od::json_type::string) return mismatch(value, type, plan);
  std::string_view s;
  if (auto error = read_string(value, &s)) return malformed(error);
  const auto days = parse_date_days(s);
  if (!days) return bad_value(json_internal::quote_value(s) + " is not a valid date (yyyy-MM-dd)");
  column.append(*days);
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::decode_binary(od::value& value, od::json_type type, TypePlan& plan,
                                         Column& column) {
  if (type != od::json_type::string) return mismatch(value, type, plan);
  std::string_view s;
  if (auto error = value.get_string().get(s)) return malformed(error);
  if (!json_internal::decode_base64(s, &binary_)) {
    return bad_value(json_internal::quote_value(s) + " is not valid base64 for binary");
  }
  column.append_string(binary_);
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::decode_struct(od::value& value, od::json_type type, TypePlan& plan,
                                         Column& column, int depth) {
  if (type != od::json_type::object) return mismatch(value, type, plan);
  if (depth > options_.max_depth) return too_deep();
  od::object object;
  if (auto error = value.get_object().get(object)) return malformed(error);
  column.append_struct_valid();
  return decode_fields(object, plan, column.children(), depth);
}

Outcome JsonDecoder::Impl::decode_array(od::value& value, od::json_type type, TypePlan& plan,
                                        Column& column, int depth) {
  if (type != od::json_type::array) return mismatch(value, type, plan);
  if (depth > options_.max_depth) return too_deep();
  od::array array;
  if (auto error = value.get_array().get(array)) return malformed(error);
  Column& elements = column.mutable_child(0);
  // A failed array has no row of its own yet, so truncating the array column would not reach
  // the elements appended so far: undo them here.
  const int64_t elements_before = elements.length();
  size_t index = 0;
  for (auto element : array) {
    od::value v;
    if (auto error = std::move(element).get(v)) {
      elements.truncate(elements_before);
      return malformed(error);
    }
    if (rescue_) path_.push_back({PathStep::kElement, {}, index});
    const Outcome outcome =
        decode_slot(v, *plan.element, plan.element_nullable, elements, depth + 1);
    if (rescue_) path_.pop_back();
    if (outcome != Outcome::kOk) {
      elements.truncate(elements_before);
      prefix_path("[" + std::to_string(index) + "]");
      return outcome;
    }
    ++index;
  }
  column.append_list_end();
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::decode_map(od::value& value, od::json_type type, TypePlan& plan,
                                      Column& column, int depth) {
  if (type != od::json_type::object) return mismatch(value, type, plan);
  if (depth > options_.max_depth) return too_deep();
  od::object object;
  if (auto error = value.get_object().get(object)) return malformed(error);
  Column& keys = column.mutable_child(0);
  Column& values = column.mutable_child(1);
  const int64_t entries_before = keys.length();  // undone on failure, as in decode_array
  const auto undo = [&] {
    keys.truncate(entries_before);
    values.truncate(entries_before);
  };
  for (auto member : object) {
    od::field field;
    std::string_view key;
    if (auto error = std::move(member).get(field)) {
      undo();
      return malformed(error);
    }
    if (auto error = field.unescaped_key().get(key)) {
      undo();
      return malformed(error);
    }
    keys.append_string(key);
    if (rescue_) path_.push_back({PathStep::kMapValue, key});
    const Outcome outcome =
        decode_slot(field.value(), *plan.element, plan.element_nullable, values, depth + 1);
    if (rescue_) path_.pop_back();
    if (outcome != Outcome::kOk) {
      undo();
      prefix_path("[" + std::string(key) + "]");
      return outcome;
    }
  }
  column.append_list_end();
  return Outcome::kOk;
}

}  // namespace lakestream
