#include "lakestream/schema/schema_merge.h"

#include <optional>

#include "lakestream/common/strings.h"

namespace lakestream {
namespace {

std::string join(const std::string& parent, const std::string& name) {
  return parent.empty() ? name : parent + "." + name;
}

std::string quoted(const std::string& path) { return "`" + path + "`"; }

/// Merges one level at a time; `added` collects new column paths across levels.
class Merger {
 public:
  explicit Merger(std::vector<std::string>* added) : added_(added) {}

  /// The merged members of a struct (or the top level): the table's fields in its order, then
  /// the writer's new ones.
  Result<std::vector<Field>> merge_fields(const std::vector<Field>& table,
                                          const std::vector<Field>& writer,
                                          const std::string& parent) {
    for (size_t i = 0; i < writer.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (equals_ignore_case_ascii(writer[i].name, writer[j].name)) {
          return Status::InvalidArgument(
              "the writer's schema has columns " + quoted(join(parent, writer[j].name)) + " and " +
              quoted(join(parent, writer[i].name)) +
              ", which Delta treats as one (names compare ignoring case)");
        }
      }
    }
    std::vector<Field> out;
    out.reserve(table.size() + writer.size());
    std::vector<char> matched(writer.size(), 0);
    for (const Field& t : table) {
      const std::string path = join(parent, t.name);
      std::optional<size_t> w = find(writer, t.name);
      if (!w) {
        return Status::InvalidArgument(
            "column " + quoted(path) +
            " of the table is missing from the writer's schema: an append cannot drop a column");
      }
      matched[*w] = 1;
      const Field& f = writer[*w];
      if (!t.nullable && f.nullable) {
        return Status::InvalidArgument("column " + quoted(path) +
                                       " is NOT NULL in the table but nullable in the writer's "
                                       "schema");
      }
      LS_ASSIGN_OR_RAISE(DataTypePtr type, merge_type(t.type, f.type, path));
      Field merged = t;
      merged.type = std::move(type);
      out.push_back(std::move(merged));
    }
    for (size_t i = 0; i < writer.size(); ++i) {
      if (matched[i]) continue;
      const std::string path = join(parent, writer[i].name);
      if (!writer[i].nullable) {
        return Status::InvalidArgument(
            "new column " + quoted(path) +
            " is NOT NULL: the table's existing files have no values for it (make it nullable)");
      }
      out.push_back(writer[i]);
      added_->push_back(path);
    }
    return out;
  }

 private:
  static std::optional<size_t> find(const std::vector<Field>& fields, const std::string& name) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].name == name) return i;
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      if (equals_ignore_case_ascii(fields[i].name, name)) return i;
    }
    return std::nullopt;
  }

  static Status type_change(const DataTypePtr& table, const DataTypePtr& writer,
                            const std::string& path) {
    return Status::InvalidArgument("column " + quoted(path) + " is " + table->simple_string() +
                                   " in the table, " + writer->simple_string() +
                                   " in the writer's schema: an append cannot change a type");
  }

  Result<DataTypePtr> merge_type(const DataTypePtr& table, const DataTypePtr& writer,
                                 const std::string& path) {
    if (table->id() != writer->id()) return type_change(table, writer, path);
    switch (table->id()) {
      case TypeId::kStruct: {
        const size_t before = added_->size();
        LS_ASSIGN_OR_RAISE(std::vector<Field> fields,
                           merge_fields(table->fields(), writer->fields(), path));
        // Unchanged: keep the table's type object (and so its exact spelling).
        if (added_->size() == before) return table;
        return DataType::struct_(std::move(fields));
      }
      case TypeId::kArray: {
        if (!table->contains_null() && writer->contains_null()) {
          return Status::InvalidArgument("the elements of " + quoted(path) +
                                         " cannot be null in the table but can in the writer's "
                                         "schema");
        }
        LS_ASSIGN_OR_RAISE(DataTypePtr element,
                           merge_type(table->element(), writer->element(), path + ".element"));
        if (element == table->element()) return table;
        return DataType::array(std::move(element), table->contains_null());
      }
      case TypeId::kMap: {
        if (!table->contains_null() && writer->contains_null()) {
          return Status::InvalidArgument("the values of " + quoted(path) +
                                         " cannot be null in the table but can in the writer's "
                                         "schema");
        }
        LS_ASSIGN_OR_RAISE(DataTypePtr key, merge_type(table->key(), writer->key(), path + ".key"));
        LS_ASSIGN_OR_RAISE(DataTypePtr value,
                           merge_type(table->value(), writer->value(), path + ".value"));
        if (key == table->key() && value == table->value()) return table;
        return DataType::map(std::move(key), std::move(value), table->contains_null());
      }
      default:
        if (!(*table == *writer)) return type_change(table, writer, path);
        return table;
    }
  }

  std::vector<std::string>* added_;
};

}  // namespace

Result<SchemaMerge> merge_schema_for_append(const Schema& table, const Schema& writer) {
  SchemaMerge merge;
  Merger merger(&merge.added);
  LS_ASSIGN_OR_RAISE(std::vector<Field> fields,
                     merger.merge_fields(table.fields(), writer.fields(), ""));
  merge.schema = merge.changed() ? Schema(std::move(fields)) : table;
  return merge;
}

std::string quoted_column_list(const std::vector<std::string>& paths) {
  std::string out;
  for (size_t i = 0; i < paths.size(); ++i) {
    if (i) out += ", ";
    out += quoted(paths[i]);
  }
  return out;
}

}  // namespace lakestream
