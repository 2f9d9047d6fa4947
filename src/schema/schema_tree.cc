// Schema::tree_string: the text Spark's printSchema() prints, character for character, so the
// console output of a job matches the original sample's.
#include <string>

#include "lakestream/common/strings.h"
#include "lakestream/schema/schema.h"

namespace lakestream {

namespace {

void append_children(std::string& out, const DataType& type, const std::string& prefix);

void append_field(std::string& out, const Field& field, const std::string& prefix) {
  out += prefix + "-- " + escape_meta_characters(field.name) + ": " + field.type->json_type_name() +
         (field.nullable ? " (nullable = true)\n" : " (nullable = false)\n");
  append_children(out, *field.type, prefix + "    |");
}

/// The lines below a nested type's own line; nothing for primitives.
void append_children(std::string& out, const DataType& type, const std::string& prefix) {
  switch (type.id()) {
    case TypeId::kStruct:
      for (const Field& f : type.fields()) append_field(out, f, prefix);
      return;
    case TypeId::kArray:
      out += prefix + "-- element: " + type.element()->json_type_name() +
             (type.contains_null() ? " (containsNull = true)\n" : " (containsNull = false)\n");
      append_children(out, *type.element(), prefix + "    |");
      return;
    case TypeId::kMap:
      out += prefix + "-- key: " + type.key()->json_type_name() + "\n";
      append_children(out, *type.key(), prefix + "    |");
      out += prefix + "-- value: " + type.value()->json_type_name() +
             (type.contains_null() ? " (valueContainsNull = true)\n"
                                   : " (valueContainsNull = false)\n");
      append_children(out, *type.value(), prefix + "    |");
      return;
    default:
      return;
  }
}

}  // namespace

std::string Schema::tree_string() const {
  std::string out = "root\n";
  for (const Field& f : fields_) append_field(out, f, " |");
  return out;
}

}  // namespace lakestream
