#pragma once
// Schemas shared by the schema tests.

#include <fstream>
#include <sstream>
#include <string>

#include "lakestream/schema/schema.h"
#include "support/message_factory.h"  // meter_schema(), built in code

namespace lakestream::testing {

/// Whole file as text; empty when it cannot be read (the caller asserts on content).
inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace lakestream::testing
