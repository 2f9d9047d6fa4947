#include "lakestream/batch/column.h"

#include <algorithm>

namespace lakestream {

namespace {
bool uses_offsets(TypeId id) {
  return id == TypeId::kString || id == TypeId::kBinary || id == TypeId::kArray ||
         id == TypeId::kMap;
}
}  // namespace

Column::Column(DataTypePtr type) : type_(std::move(type)) {
  if (uses_offsets(type_->id())) offsets_.push_back(0);
  switch (type_->id()) {
    case TypeId::kStruct:
      for (const auto& f : type_->fields()) children_.push_back(make(f.type));
      break;
    case TypeId::kArray:
      children_.push_back(make(type_->element()));
      break;
    case TypeId::kMap:
      children_.push_back(make(type_->key()));
      children_.push_back(make(type_->value()));
      break;
    default:
      break;
  }
}

int64_t Column::null_count() const {
  return static_cast<int64_t>(std::count(validity_.begin(), validity_.end(), uint8_t{0}));
}

void Column::reserve(int64_t rows, int64_t data_bytes) {
  validity_.reserve(static_cast<size_t>(rows));
  if (const int w = type_->fixed_width()) values_.reserve(static_cast<size_t>(rows * w));
  if (uses_offsets(type_->id())) offsets_.reserve(static_cast<size_t>(rows + 1));
  if (data_bytes > 0) data_.reserve(static_cast<size_t>(data_bytes));
  if (type_->id() == TypeId::kStruct) {
    for (auto& c : children_) c->reserve(rows);
  }
}

void Column::append_null() {
  validity_.push_back(0);
  switch (type_->id()) {
    case TypeId::kString:
    case TypeId::kBinary:
      offsets_.push_back(static_cast<int32_t>(data_.size()));
      break;
    case TypeId::kArray:
    case TypeId::kMap:
      offsets_.push_back(static_cast<int32_t>(list_child_length()));
      break;
    case TypeId::kStruct:
      for (auto& c : children_) c->append_null();
      break;
    default:
      values_.resize(values_.size() + static_cast<size_t>(type_->fixed_width()), 0);
      break;
  }
}

void Column::truncate(int64_t rows) {
  // rows == length() still reaches the children: an array/map row, or a struct row's members,
  // may have been partly appended before the row itself was finished, and those go too.
  if (rows > length()) return;
  validity_.resize(static_cast<size_t>(rows));
  switch (type_->id()) {
    case TypeId::kString:
    case TypeId::kBinary:
      offsets_.resize(static_cast<size_t>(rows + 1));
      data_.resize(static_cast<size_t>(offsets_.back()));
      break;
    case TypeId::kArray:
    case TypeId::kMap: {
      offsets_.resize(static_cast<size_t>(rows + 1));
      for (auto& c : children_) c->truncate(offsets_.back());
      break;
    }
    case TypeId::kStruct:
      for (auto& c : children_) c->truncate(rows);
      break;
    default:
      values_.resize(static_cast<size_t>(rows * type_->fixed_width()));
      break;
  }
}

}  // namespace lakestream
