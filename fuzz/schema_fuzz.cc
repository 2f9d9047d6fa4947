// Fuzz target: schemas as text (schema/schema.h): Spark DDL and Spark's StructType JSON.
//
// Input: one control byte (bit 0: the text is DDL, else StructType JSON), then the text.
// Properties, the round trips the header promises:
//  - from_json(to_json(s)) == s, and to_json of that is the same text;
//  - a schema read from DDL says nothing DDL cannot, so from_ddl(to_ddl(s)) == s;
//  - a schema read from JSON may (non-null array elements, other metadata, no field at all),
//    so there the DDL text of a non-empty schema must at least parse back and be a fixed
//    point: to_ddl(from_ddl(to_ddl(s))) == to_ddl(s).
// tree_string() and flatten() run on every schema that parses.

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "lakestream/schema/schema.h"

namespace {
constexpr size_t kMaxInput = 16 * 1024;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lakestream;
  using namespace lakestream::fuzz;
  if (size < 1 || size > kMaxInput) return 0;
  const bool ddl_input = data[0] & 1;
  const std::string_view text = as_text(data + 1, size - 1);
  auto parsed = ddl_input ? Schema::from_ddl(text) : Schema::from_json(text);
  if (!parsed.ok()) return 0;
  const Schema& schema = *parsed;

  const std::string json = schema.to_json();
  auto from_json = Schema::from_json(json);
  check(from_json.ok());
  check(*from_json == schema);
  check(from_json->to_json() == json);

  (void)schema.tree_string();
  (void)schema.flatten();
  if (schema.size() == 0) return 0;  // the one schema DDL cannot say (schema.h, to_ddl)
  const std::string ddl = schema.to_ddl();
  auto from_ddl = Schema::from_ddl(ddl);
  check(from_ddl.ok());
  if (ddl_input) check(*from_ddl == schema);
  check(from_ddl->to_ddl() == ddl);
  return 0;
}
