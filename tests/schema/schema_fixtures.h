#pragma once
// Schemas shared by the schema tests.

#include <fstream>
#include <sstream>
#include <string>

#include "lakestream/schema/schema.h"

namespace lakestream::testing {

/// The original sample's meter reading schema, built in code (the reference the text forms
/// are checked against).
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

/// Whole file as text; empty when it cannot be read (the caller asserts on content).
inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace lakestream::testing
