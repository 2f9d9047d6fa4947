// Schema::flatten and the plan RecordBatch::flatten shares with it.
#include <unordered_map>

#include "lakestream/schema/schema.h"

namespace lakestream {

namespace {

struct FlatLeaf {
  FlattenedColumn column;
  Field field;
};

void collect(const std::vector<Field>& fields, const std::string& prefix, const std::string& dotted,
             std::vector<size_t>& path, bool parent_nullable, std::vector<FlatLeaf>& out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    const Field& f = fields[i];
    path.push_back(i);
    const std::string name = prefix.empty() ? f.name : prefix + "_" + f.name;
    const std::string dot = dotted.empty() ? f.name : dotted + "." + f.name;
    const bool nullable = parent_nullable || f.nullable;
    if (f.type->id() == TypeId::kStruct) {
      collect(f.type->fields(), name, dot, path, nullable, out);
    } else {
      Field leaf{name, f.type, nullable, f.metadata};
      out.push_back(FlatLeaf{FlattenedColumn{name, path, dot}, std::move(leaf)});
    }
    path.pop_back();
  }
}

Result<std::vector<FlatLeaf>> flatten_leaves(const Schema& schema) {
  std::vector<FlatLeaf> leaves;
  std::vector<size_t> path;
  collect(schema.fields(), "", "", path, false, leaves);
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = 0; i < leaves.size(); ++i) {
    auto [it, inserted] = seen.emplace(leaves[i].column.name, i);
    if (!inserted) {
      return Status::InvalidArgument("flatten: column name '" + leaves[i].column.name +
                                     "' comes from both '" + leaves[it->second].column.dotted_path +
                                     "' and '" + leaves[i].column.dotted_path + "'");
    }
  }
  return leaves;
}

}  // namespace

Result<std::vector<FlattenedColumn>> plan_flatten(const Schema& schema) {
  LS_ASSIGN_OR_RAISE(auto leaves, flatten_leaves(schema));
  std::vector<FlattenedColumn> plan;
  plan.reserve(leaves.size());
  for (auto& l : leaves) plan.push_back(std::move(l.column));
  return plan;
}

Result<Schema> Schema::flatten() const {
  LS_ASSIGN_OR_RAISE(auto leaves, flatten_leaves(*this));
  Schema out;
  for (auto& l : leaves) out.add(std::move(l.field));
  return out;
}

}  // namespace lakestream
