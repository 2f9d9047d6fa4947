#pragma once
// tests/support/message_factory: the meter-reading message of the original sample, built from
// field values with defaults, like the original's pytest message factory fixture: a test
// overrides only the fields it cares about and gets a valid message for the rest.
//
//   MeterMessage{}.json()                                       // the default message
//   MeterMessage{.meter_id = kOmit}.json()                      // MeterId missing
//   MeterMessage{.observation_time = json_string("2021-19-01T10:33:00Z")}.json()
//   MeterMessage{.value = "null"}.json()                        // Measurement.Value is null
//
// Every field holds the member's raw JSON text (so a test can put a number where a string
// belongs, or null, or malformed text), or kOmit to leave the member out.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lakestream/common/strings.h"
#include "lakestream/schema/data_type.h"
#include "lakestream/schema/schema.h"

namespace lakestream::testing {

/// Leave the member out of the message.
inline constexpr std::nullopt_t kOmit = std::nullopt;

/// `text` as a JSON string literal (quotes, backslashes and control characters escaped).
inline std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

/// The meter schema of the original sample:
/// MeterId string not null, SupplierId string not null,
/// Measurement struct<Value: decimal(10,0) not null, Unit: string> not null,
/// ObservationTime timestamp not null.
inline Schema meter_schema() {
  return Schema()
      .add("MeterId", DataType::string(), false)
      .add("SupplierId", DataType::string(), false)
      .add("Measurement",
           Schema()
               .add("Value", DataType::decimal(10, 0), false)
               .add("Unit", DataType::string())
               .as_struct(),
           false)
      .add("ObservationTime", DataType::timestamp(), false);
}

/// One meter message; each member is raw JSON text or kOmit.
struct MeterMessage {
  std::optional<std::string> meter_id = json_string("217");
  std::optional<std::string> supplier_id = json_string("23");
  /// Measurement.Value and Measurement.Unit, used unless `measurement` replaces the object.
  std::optional<std::string> value = "12345";
  std::optional<std::string> unit = json_string("kWH");
  /// When set, the whole Measurement member's JSON text (e.g. "null", "\"abc\"", "{}").
  std::optional<std::string> measurement = std::nullopt;
  bool omit_measurement = false;
  std::optional<std::string> observation_time = json_string("2021-01-19T10:33:00Z");
  /// Extra members appended verbatim after the others, e.g. R"("Extra": [1, 2])".
  std::string extra = {};

  /// The message as one line of compact JSON, members in the original's order.
  std::string json() const {
    std::string out = "{";
    bool first = true;
    auto member = [&](std::string_view name, const std::optional<std::string>& v) {
      if (!v) return;
      if (!first) out += ", ";
      first = false;
      out += json_string(name);
      out += ": ";
      out += *v;
    };
    member("MeterId", meter_id);
    member("SupplierId", supplier_id);
    if (!omit_measurement) {
      if (measurement) {
        member("Measurement", measurement);
      } else {
        std::string object = "{";
        if (value) object += "\"Value\": " + *value;
        if (unit) object += std::string(value ? ", " : "") + "\"Unit\": " + *unit;
        object += "}";
        member("Measurement", object);
      }
    }
    member("ObservationTime", observation_time);
    if (!extra.empty()) {
      if (!first) out += ", ";
      first = false;
      out += extra;
    }
    out += "}";
    return out;
  }
};

/// The message the data generator sends for counter `n` (v = n * 3019, MeterId = v % 127,
/// SupplierId = v % 23, Value = v % 59, ObservationTime = `observation_time`).
inline MeterMessage generated_meter_message(int64_t n, std::string_view observation_time) {
  const int64_t v = n * 3019;
  MeterMessage m;
  m.meter_id = json_string(std::to_string(v % 127));
  m.supplier_id = json_string(std::to_string(v % 23));
  m.value = std::to_string(v % 59);
  m.observation_time = json_string(observation_time);
  return m;
}

}  // namespace lakestream::testing
