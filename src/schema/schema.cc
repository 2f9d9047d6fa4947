#include "lakestream/schema/schema.h"

namespace lakestream {

Schema& Schema::add(std::string name, DataTypePtr type, bool nullable) {
  fields_.push_back(Field{std::move(name), std::move(type), nullable, "{}"});
  return *this;
}

Schema& Schema::add(Field field) {
  fields_.push_back(std::move(field));
  return *this;
}

std::optional<size_t> Schema::index_of(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return i;
  }
  return std::nullopt;
}

DataTypePtr Schema::as_struct() const { return DataType::struct_(fields_); }

}  // namespace lakestream
