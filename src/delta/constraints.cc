#include "lakestream/delta/constraints.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <mutex>
#include <nlohmann/json.hpp>

namespace lakestream {

namespace {

/// The value of `key` in a field's metadata JSON, if present.
const nlohmann::json* metadata_entry(const nlohmann::json& metadata, const char* key) {
  if (!metadata.is_object()) return nullptr;
  auto it = metadata.find(key);
  return it == metadata.end() ? nullptr : &*it;
}

/// The expression text of a delta.invariants value: {"expression":{"expression":"x > 3"}},
/// stored as a JSON string (as Spark writes it) or as an object.
Result<std::string> invariant_text(const nlohmann::json& value, const std::string& column) {
  nlohmann::json j = value;
  if (value.is_string()) {
    j = nlohmann::json::parse(value.get<std::string>(), nullptr, /*allow_exceptions=*/false);
  }
  if (j.is_object()) {
    auto outer = j.find("expression");
    if (outer != j.end() && outer->is_object()) {
      auto inner = outer->find("expression");
      if (inner != outer->end() && inner->is_string()) return inner->get<std::string>();
    }
  }
  return Status::InvalidArgument(
      "the delta.invariants metadata of column '" + column +
      "' is not {\"expression\":{\"expression\":\"...\"}}: " + value.dump());
}

Status collect(const std::vector<Field>& fields, const std::string& parent, bool top_level,
               std::vector<TableRule>* rules, const std::string& where,
               std::optional<TableRule::Kind> only) {
  auto wanted = [&](TableRule::Kind k) { return !only || *only == k; };
  for (const Field& f : fields) {
    const std::string path = parent.empty() ? f.name : parent + "." + f.name;
    if (f.metadata.size() > 2) {
      auto j = nlohmann::json::parse(f.metadata, nullptr, /*allow_exceptions=*/false);
      const auto* inv =
          wanted(TableRule::Kind::kInvariant) ? metadata_entry(j, "delta.invariants") : nullptr;
      if (inv != nullptr) {
        LS_ASSIGN_OR_RAISE(std::string text, invariant_text(*inv, path));
        auto e = SqlExpression::parse(text);
        if (!e.ok()) {
          return e.status().with_context("the invariant of column '" + path + "' of " + where);
        }
        rules->push_back({TableRule::Kind::kInvariant, path, std::move(*e), {}});
      }
      if (wanted(TableRule::Kind::kIdentity) && j.is_object() &&
          j.contains("delta.identity.start")) {
        if (!top_level || f.type->id() != TypeId::kLong) {
          return Status::NotImplemented("the identity column '" + path + "' of " + where +
                                        (top_level ? " has the type " + f.type->simple_string()
                                                   : std::string(" is inside a struct")) +
                                        ", which lakestream does not assign (bigint columns)");
        }
        const auto* allow = metadata_entry(j, "delta.identity.allowExplicitInsert");
        TableRule rule{TableRule::Kind::kIdentity, path, SqlExpression(), f};
        rule.allow_explicit_insert = allow != nullptr && allow->is_boolean() && allow->get<bool>();
        rules->push_back(std::move(rule));
      }
      const auto* gen = wanted(TableRule::Kind::kGenerated)
                            ? metadata_entry(j, "delta.generationExpression")
                            : nullptr;
      if (gen != nullptr) {
        if (!gen->is_string()) {
          return Status::InvalidArgument("the delta.generationExpression of column '" + path +
                                         "' of " + where + " is not a string");
        }
        if (!top_level) {
          return Status::NotImplemented("the generated column '" + path + "' of " + where +
                                        " is inside a struct, which lakestream does not compute");
        }
        auto e = SqlExpression::parse(gen->get<std::string>());
        if (!e.ok()) {
          return e.status().with_context("the generated column '" + path + "' of " + where);
        }
        rules->push_back({TableRule::Kind::kGenerated, path, std::move(*e), f});
      }
    }
    // Invariants may sit on struct members; inside arrays and maps (many values a row) they
    // are not evaluated, so such a table is refused.
    if (f.type->id() == TypeId::kStruct) {
      LS_RETURN_NOT_OK(collect(f.type->fields(), path, false, rules, where, only));
    } else if (f.type->id() == TypeId::kArray || f.type->id() == TypeId::kMap) {
      const std::string text = Schema().add(f.name, f.type).to_json();
      for (const char* key : {"delta.invariants", "delta.generationExpression"}) {
        if (text.find(key) != std::string::npos) {
          return Status::NotImplemented("column '" + path + "' of " + where + " has " + key +
                                        " inside an array or map, which lakestream does not "
                                        "evaluate");
        }
      }
    }
  }
  return Status::OK();
}

}  // namespace

std::string TableRule::label() const {
  switch (kind) {
    case Kind::kCheck:
      return "CHECK constraint " + name;
    case Kind::kInvariant:
      return "invariant of column " + name;
    case Kind::kGenerated:
      return "generated column " + name;
    case Kind::kIdentity:
      return "identity column " + name;
  }
  return name;
}

std::string TableConstraints::description() const {
  std::string out;
  for (const TableRule& rule : rules_) {
    if (!out.empty()) out += "; ";
    out += rule.label();
    if (rule.kind == TableRule::Kind::kIdentity) {
      out += rule.allow_explicit_insert ? " (BY DEFAULT)" : " (ALWAYS)";
    } else {
      out += ": ";
      out += rule.expression.text();
    }
  }
  return out;
}

Result<std::shared_ptr<const TableConstraints>> TableConstraints::make(
    const MetadataAction& metadata, const Schema& table_schema, const std::string& where,
    std::optional<TableRule::Kind> only) {
  auto out = std::make_shared<TableConstraints>();
  constexpr std::string_view kPrefix = "delta.constraints.";
  for (const auto& [key, value] : metadata.configuration) {
    if (key.rfind(kPrefix, 0) != 0 || (only && *only != TableRule::Kind::kCheck)) continue;
    const std::string name = key.substr(kPrefix.size());
    auto e = SqlExpression::parse(value);
    if (!e.ok()) return e.status().with_context("the CHECK constraint " + name + " of " + where);
    out->rules_.push_back({TableRule::Kind::kCheck, name, std::move(*e), {}});
  }
  LS_RETURN_NOT_OK(collect(table_schema.fields(), "", true, &out->rules_, where, only));
  if (only) {
    std::erase_if(out->rules_, [&](const TableRule& r) { return r.kind != *only; });
  }
  for (TableRule& rule : out->rules_) {
    if (rule.kind == TableRule::Kind::kIdentity) continue;
    LS_RETURN_NOT_OK(
        rule.expression.bind(table_schema).with_context("the " + rule.label() + " of " + where));
  }
  return std::shared_ptr<const TableConstraints>(std::move(out));
}

Result<ConstraintChecker> TableConstraints::checker(const Schema& batch_schema) const {
  ConstraintChecker c;
  for (const TableRule& rule : rules_) {
    ConstraintChecker::Bound b{rule.kind,       rule.name, rule.label(),
                               rule.expression, -1,        rule.allow_explicit_insert};
    if (rule.kind != TableRule::Kind::kIdentity) {
      LS_RETURN_NOT_OK(b.expression.bind(batch_schema).with_context("the " + b.label));
    }
    if (rule.kind == TableRule::Kind::kGenerated || rule.kind == TableRule::Kind::kIdentity) {
      auto index = batch_schema.index_of(rule.name);
      if (!index) {
        return Status::InvalidArgument("the " + b.label + " (" + rule.expression.text() +
                                       ") is not in the schema being written " +
                                       batch_schema.to_ddl());
      }
      b.column = static_cast<int>(*index);
    }
    c.rules_.push_back(std::move(b));
  }
  return c;
}

Status ConstraintChecker::apply(const RecordBatch& batch, RecordBatch* out,
                                std::vector<RowViolation>* violations) {
  *out = batch;
  const int64_t n = batch.num_rows();
  if (rules_.empty() || n == 0) return Status::OK();
  const size_t first = violations->size();
  // Generated columns first: CHECKs may read them. A NULL gets the computed value; a value
  // must equal it.
  std::vector<char> bad(static_cast<size_t>(n), 0);
  for (Bound& b : rules_) {
    if (b.kind != TableRule::Kind::kGenerated) continue;
    const size_t ci = static_cast<size_t>(b.column);
    const Column& given = *out->column(ci);
    const DataType& type = *given.type();
    if (type.is_nested()) {
      return Status::NotImplemented("the " + b.label + " has the nested type " +
                                    type.simple_string() + ", which lakestream does not compute");
    }
    const bool any_null = given.null_count() > 0;
    ColumnPtr filled = any_null ? Column::make(given.type()) : nullptr;
    if (filled) filled->reserve(n);
    for (int64_t row = 0; row < n; ++row) {
      b.expression.evaluate(*out, row, scratch_, &value_);
      sql_cast(value_, type, &expected_);
      if (given.is_null(row)) {
        if (filled) LS_RETURN_NOT_OK(append_sql_value(expected_, filled.get()));
        continue;
      }
      column_sql_value(given, row, &value_);
      if (!sql_values_equal(value_, expected_) && !bad[static_cast<size_t>(row)]) {
        bad[static_cast<size_t>(row)] = 1;
        violations->push_back({row, b.name,
                               b.label + " (" + b.expression.text() + ") is " + expected_.to_sql() +
                                   " for this row, which gives " + b.name + " = " +
                                   value_.to_sql()});
      }
      if (filled) LS_RETURN_NOT_OK(append_sql_value(value_, filled.get()));
    }
    if (filled) {
      std::vector<ColumnPtr> columns;
      for (size_t k = 0; k < out->num_columns(); ++k) {
        columns.push_back(k == ci ? filled : out->column(k));
      }
      *out = RecordBatch(out->schema(), std::move(columns));
    }
  }
  for (Bound& b : rules_) {
    if (b.kind != TableRule::Kind::kIdentity || b.allow_explicit_insert) continue;
    const Column& given = *out->column(static_cast<size_t>(b.column));
    if (given.null_count() == n) continue;
    for (int64_t row = 0; row < n; ++row) {
      if (given.is_null(row) || bad[static_cast<size_t>(row)]) continue;
      bad[static_cast<size_t>(row)] = 1;
      violations->push_back({row, b.name,
                             b.label +
                                 " is GENERATED ALWAYS AS IDENTITY and takes no value: the "
                                 "row gives " +
                                 b.name + " = " + std::to_string(given.value<int64_t>(row))});
    }
  }
  for (Bound& b : rules_) {
    if (b.kind == TableRule::Kind::kGenerated || b.kind == TableRule::Kind::kIdentity) continue;
    for (int64_t row = 0; row < n; ++row) {
      b.expression.evaluate(*out, row, scratch_, &value_);
      if (value_.is_true() || bad[static_cast<size_t>(row)]) continue;
      bad[static_cast<size_t>(row)] = 1;
      const auto columns = b.expression.columns();
      violations->push_back(
          {row,
           b.kind == TableRule::Kind::kInvariant ? b.name : (columns.empty() ? "" : columns[0]),
           b.label + " (" + b.expression.text() + ") violated by " +
               (columns.empty() ? std::string("the row") : b.expression.describe_row(*out, row))});
    }
  }
  // Rows in order, as callers map them back to their records.
  std::sort(violations->begin() + static_cast<std::ptrdiff_t>(first), violations->end(),
            [](const RowViolation& a, const RowViolation& b) { return a.row < b.row; });
  return Status::OK();
}

struct IdentityAllocator::Column {
  std::string name;
  int64_t start = 1;
  int64_t step = 1;
  std::optional<int64_t> base_high_water;  ///< the table's when the allocator was made
  std::atomic<int64_t> reserved{0};        ///< values handed out so far
  mutable std::mutex mutex;
  std::optional<int64_t> committed_high_water;  ///< the last one this allocator committed

  int64_t first() const { return base_high_water ? *base_high_water + step : start; }
  int64_t value(int64_t k) const {
    return static_cast<int64_t>(static_cast<uint64_t>(first()) +
                                static_cast<uint64_t>(k) * static_cast<uint64_t>(step));
  }
};

namespace {

std::optional<int64_t> json_integer(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) {
    int64_t v = 0;
    const std::string& t = it->get_ref<const std::string&>();
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec == std::errc() && end == t.data() + t.size()) return v;
  }
  return std::nullopt;
}

}  // namespace

IdentityAllocator::IdentityAllocator(std::vector<std::unique_ptr<Column>> columns)
    : columns_(std::move(columns)) {}
IdentityAllocator::~IdentityAllocator() = default;

Result<std::shared_ptr<IdentityAllocator>> IdentityAllocator::make(const Schema& table_schema,
                                                                   const std::string& where) {
  std::vector<std::unique_ptr<Column>> columns;
  for (const Field& f : table_schema.fields()) {
    if (f.metadata.find("delta.identity.") == std::string::npos) continue;
    auto j = nlohmann::json::parse(f.metadata, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("delta.identity.start")) continue;
    auto c = std::make_unique<Column>();
    c->name = f.name;
    auto start = json_integer(j, "delta.identity.start");
    auto step = json_integer(j, "delta.identity.step");
    if (!start || !step || *step == 0 || f.type->id() != TypeId::kLong) {
      return Status::NotImplemented("the identity column '" + f.name + "' of " + where +
                                    " needs a bigint type and integer delta.identity.start and "
                                    "non-zero delta.identity.step, which it does not have");
    }
    c->start = *start;
    c->step = *step;
    c->base_high_water = json_integer(j, "delta.identity.highWaterMark");
    columns.push_back(std::move(c));
  }
  if (columns.empty()) return std::shared_ptr<IdentityAllocator>();
  return std::make_shared<IdentityAllocator>(std::move(columns));
}

std::vector<std::string> IdentityAllocator::columns() const {
  std::vector<std::string> out;
  for (const auto& c : columns_) out.push_back(c->name);
  return out;
}

int64_t IdentityAllocator::reserve(const std::string& name, int64_t n) {
  for (auto& c : columns_) {
    if (c->name == name) return c->value(c->reserved.fetch_add(n));
  }
  return 0;
}

int64_t IdentityAllocator::step(const std::string& name) const {
  for (const auto& c : columns_) {
    if (c->name == name) return c->step;
  }
  return 1;
}

Result<std::optional<MetadataAction>> IdentityAllocator::updated_metadata(
    const MetadataAction& current) const {
  LS_ASSIGN_OR_RAISE(Schema schema, Schema::from_json(current.schema_string));
  bool changed = false;
  Schema out;
  for (const Field& f : schema.fields()) {
    const Column* c = nullptr;
    for (const auto& col : columns_) {
      if (col->name == f.name) c = col.get();
    }
    if (c == nullptr) {
      out.add(f);
      continue;
    }
    auto j = nlohmann::json::parse(f.metadata, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return Status::Corrupt("the metadata of column '" + f.name + "'");
    const std::optional<int64_t> table_mark = json_integer(j, "delta.identity.highWaterMark");
    std::optional<int64_t> ours;
    {
      std::lock_guard lock(c->mutex);
      ours = c->committed_high_water ? c->committed_high_water : c->base_high_water;
    }
    if (table_mark != ours) {
      return Status::Conflict("the identity column '" + f.name + "' has the high-water mark " +
                              (table_mark ? std::to_string(*table_mark) : std::string("(none)")) +
                              " in the table, not " +
                              (ours ? std::to_string(*ours) : std::string("(none)")) +
                              ": another writer assigned its values meanwhile");
    }
    const int64_t reserved = c->reserved.load();
    const int64_t last = c->value(reserved - 1);
    if (reserved > 0 && (!ours || last != *ours)) {
      j["delta.identity.highWaterMark"] = last;
      Field updated = f;
      updated.metadata = j.dump();
      out.add(std::move(updated));
      changed = true;
    } else {
      out.add(f);
    }
  }
  if (!changed) return std::optional<MetadataAction>();
  MetadataAction m = current;
  m.schema_string = out.to_json();
  return std::optional<MetadataAction>(std::move(m));
}

void IdentityAllocator::committed(const MetadataAction& metadata) {
  auto schema = Schema::from_json(metadata.schema_string);
  if (!schema.ok()) return;
  for (auto& c : columns_) {
    auto index = schema->index_of(c->name);
    if (!index) continue;
    auto j = nlohmann::json::parse(schema->field(*index).metadata, nullptr, false);
    if (!j.is_object()) continue;
    std::lock_guard lock(c->mutex);
    c->committed_high_water = json_integer(j, "delta.identity.highWaterMark");
  }
}

}  // namespace lakestream
