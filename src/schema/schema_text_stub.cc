// Placeholder until the DDL / JSON / tree implementations land (replace this file).
#include "lakestream/schema/schema.h"

namespace lakestream {
Result<Schema> Schema::from_ddl(std::string_view) { return Status::NotImplemented("Schema::from_ddl"); }
std::string Schema::to_ddl() const { return {}; }
Result<Schema> Schema::from_json(std::string_view) { return Status::NotImplemented("Schema::from_json"); }
std::string Schema::to_json() const { return {}; }
std::string Schema::tree_string() const { return {}; }
}  // namespace lakestream
