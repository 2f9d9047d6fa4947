#include "lakestream/batch/take.h"

#include <cstring>
#include <vector>

namespace lakestream {

namespace {

template <size_t W>
void gather_fixed(const uint8_t* src, std::span<const int32_t> indices, uint8_t* dst) {
  for (const int32_t i : indices) {
    std::memcpy(dst, src + static_cast<size_t>(i) * W, W);
    dst += W;
  }
}

void gather_values(const uint8_t* src, int width, std::span<const int32_t> indices, uint8_t* dst) {
  // Fixed-size copies the compiler turns into single loads and stores.
  switch (width) {
    case 1:
      for (const int32_t i : indices) *dst++ = src[i];
      return;
    case 2:
      gather_fixed<2>(src, indices, dst);
      return;
    case 4:
      gather_fixed<4>(src, indices, dst);
      return;
    case 8:
      gather_fixed<8>(src, indices, dst);
      return;
    case 16:
      gather_fixed<16>(src, indices, dst);
      return;
    default:
      for (const int32_t i : indices) {
        std::memcpy(dst, src + static_cast<size_t>(i) * width, static_cast<size_t>(width));
        dst += width;
      }
  }
}

// Offsets-based rows (string/binary bytes, or array/map child ranges): append the new end
// offsets and return the [begin, end) ranges taken from the source.
void append_offsets(const Column& source, std::span<const int32_t> indices, Column* target,
                    int32_t base) {
  auto& offsets = target->mutable_offsets();
  const size_t at = offsets.size();
  offsets.resize(at + indices.size());
  const int32_t* src = source.offsets().data();
  int32_t end = base;
  for (size_t k = 0; k < indices.size(); ++k) {
    const int32_t i = indices[k];
    end += src[i + 1] - src[i];
    offsets[at + k] = end;
  }
}

}  // namespace

void append_taken(const Column& source, std::span<const int32_t> indices, Column* target) {
  if (indices.empty()) return;
  const size_t n = indices.size();
  {
    auto& validity = target->mutable_validity();
    const size_t at = validity.size();
    validity.resize(at + n);
    gather_values(source.validity().data(), 1, indices, validity.data() + at);
  }
  const DataType& type = *source.type();
  switch (type.id()) {
    case TypeId::kString:
    case TypeId::kBinary: {
      auto& data = target->mutable_data();
      const int32_t base = static_cast<int32_t>(data.size());
      append_offsets(source, indices, target, base);
      data.resize(static_cast<size_t>(target->offsets().back()));
      char* dst = data.data() + base;
      const char* src = source.data().data();
      const int32_t* off = source.offsets().data();
      for (const int32_t i : indices) {
        const size_t len = static_cast<size_t>(off[i + 1] - off[i]);
        if (len == 0) continue;  // src may be null when every row is empty or null
        std::memcpy(dst, src + off[i], len);
        dst += len;
      }
      return;
    }
    case TypeId::kStruct:
      for (size_t c = 0; c < source.children().size(); ++c) {
        append_taken(*source.child(c), indices, &target->mutable_child(c));
      }
      return;
    case TypeId::kArray:
    case TypeId::kMap: {
      const int32_t base = static_cast<int32_t>(target->child(0)->length());
      append_offsets(source, indices, target, base);
      // Nested lists are rare in practice: one index list of child rows is enough here.
      std::vector<int32_t> child_rows;
      child_rows.reserve(static_cast<size_t>(target->offsets().back() - base));
      const int32_t* off = source.offsets().data();
      for (const int32_t i : indices) {
        for (int32_t r = off[i]; r < off[i + 1]; ++r) child_rows.push_back(r);
      }
      for (size_t c = 0; c < source.children().size(); ++c) {
        append_taken(*source.child(c), child_rows, &target->mutable_child(c));
      }
      return;
    }
    default: {
      const int width = type.fixed_width();
      if (width == 0) return;  // void: validity only (and no buffer to copy from)
      auto& values = target->mutable_values();
      const size_t at = values.size();
      values.resize(at + n * static_cast<size_t>(width));
      gather_values(source.values().data(), width, indices, values.data() + at);
      return;
    }
  }
}

ColumnPtr take(const Column& column, std::span<const int32_t> indices) {
  ColumnPtr out = Column::make(column.type());
  append_taken(column, indices, out.get());
  return out;
}

RecordBatch take(const RecordBatch& batch, std::span<const int32_t> indices) {
  std::vector<ColumnPtr> columns;
  columns.reserve(batch.num_columns());
  for (const auto& c : batch.columns()) columns.push_back(take(*c, indices));
  return RecordBatch(batch.schema(), std::move(columns));
}

}  // namespace lakestream
