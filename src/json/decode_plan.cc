#include "json/decode_plan.h"

#include <algorithm>
#include <cstring>

namespace lakestream::json_internal {

namespace {

Result<std::unique_ptr<TypePlan>> plan_type(const DataTypePtr& type, const std::string& path);

Status fill_struct(const std::vector<Field>& fields, const std::string& path, TypePlan* plan) {
  plan->children.reserve(fields.size());
  for (const auto& f : fields) {
    const std::string child_path = path.empty() ? f.name : path + "." + f.name;
    LS_ASSIGN_OR_RAISE(auto child, plan_type(f.type, child_path));
    ChildPlan c;
    c.name = f.name;
    c.nullable = f.nullable;
    c.plain_name = f.name.find_first_of("\"\\") == std::string::npos;
    if (c.plain_name && f.name.size() < 16) {
      // The name plus its closing quote, little-endian, with a mask over those bytes only.
      char bytes[16] = {};
      unsigned char mask_bytes[16] = {};
      std::memcpy(bytes, f.name.data(), f.name.size());
      bytes[f.name.size()] = '"';
      std::memset(mask_bytes, 0xFF, f.name.size() + 1);
      std::memcpy(c.word, bytes, 16);
      std::memcpy(c.mask, mask_bytes, 16);
    }
    if (c.plain_name && f.name.size() + 3 <= 16) {
      char bytes[16] = {};
      unsigned char mask_bytes[16] = {};
      bytes[0] = '"';
      std::memcpy(bytes + 1, f.name.data(), f.name.size());
      bytes[f.name.size() + 1] = '"';
      bytes[f.name.size() + 2] = ':';
      std::memset(mask_bytes, 0xFF, f.name.size() + 3);
      std::memcpy(c.member_word, bytes, 16);
      std::memcpy(c.member_mask, mask_bytes, 16);
    }
    c.plan = std::move(child);
    plan->children.push_back(std::move(c));
  }
  // The views point into children[i].name, which no longer moves: the vector is complete.
  for (uint32_t i = 0; i < plan->children.size(); ++i) {
    // With duplicate names in a schema the first one wins, like Spark's field lookup.
    plan->index.emplace(plan->children[i].name, i);
  }
  plan->seen.assign(plan->children.size(), 0);
  return Status::OK();
}

Result<std::unique_ptr<TypePlan>> plan_type(const DataTypePtr& type, const std::string& path) {
  auto plan = std::make_unique<TypePlan>();
  plan->id = type->id();
  plan->type = type;
  switch (type->id()) {
    case TypeId::kDecimal:
      plan->precision = type->precision();
      plan->scale = type->scale();
      plan->scale_factor = pow10_i128(plan->scale);
      break;
    case TypeId::kStruct:
      LS_RETURN_NOT_OK(fill_struct(type->fields(), path, plan.get()));
      break;
    case TypeId::kArray: {
      LS_ASSIGN_OR_RAISE(plan->element, plan_type(type->element(), path + "[]"));
      plan->element_nullable = type->contains_null();
      break;
    }
    case TypeId::kMap: {
      if (type->key()->id() != TypeId::kString) {
        return Status::NotImplemented("field '" + path + "' is a " + type->simple_string() +
                                      ": JSON object keys can only decode into map<string,...>");
      }
      LS_ASSIGN_OR_RAISE(plan->element, plan_type(type->value(), path + "[]"));
      plan->element_nullable = type->contains_null();
      break;
    }
    default:
      break;
  }
  return plan;
}

}  // namespace

uint32_t TypePlan::next_stamp() {
  if (++stamp == 0) {  // wrapped after 4 billion objects: start over with a clean slate
    std::fill(seen.begin(), seen.end(), 0u);
    stamp = 1;
  }
  return stamp;
}

Result<std::unique_ptr<TypePlan>> build_plan(const Schema& schema) {
  auto plan = std::make_unique<TypePlan>();
  plan->id = TypeId::kStruct;
  plan->type = schema.as_struct();
  LS_RETURN_NOT_OK(fill_struct(schema.fields(), "", plan.get()));
  return plan;
}

}  // namespace lakestream::json_internal
