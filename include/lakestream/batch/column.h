#pragma once
// batch/column: one typed column of a RecordBatch, and the builder API that fills it.
//
// Layout (all buffers grow amortised: no heap allocation per value):
//   validity  one byte per row, 1 = present, 0 = null (bytes, not bits: the decoder and the
//             Parquet definition-level encoder both want a byte per row).
//   values    fixed-width types: the little-endian values back to back (bool/int8: 1 byte,
//             int16: 2, int32/float/date: 4, int64/double/timestamps: 8, decimal: 16 as
//             __int128 unscaled). A null row still occupies a (zero) slot.
//   offsets   string/binary: num_rows + 1 int32 offsets into `data`; array/map: num_rows + 1
//             int32 offsets into the child column(s).
//   data      string/binary bytes back to back.
//   children  struct: one column per field; array: {elements}; map: {keys, values}.
// Invariant kept by every builder: when a struct row is null, each child row is null too, so
// flattening can hand the children out unchanged.

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "lakestream/common/decimal.h"
#include "lakestream/schema/data_type.h"

namespace lakestream {

// int128_t comes from common/decimal.h

class Column;
using ColumnPtr = std::shared_ptr<Column>;

class Column {
 public:
  /// An empty column of `type`, with children created for nested types.
  explicit Column(DataTypePtr type);
  static ColumnPtr make(DataTypePtr type) { return std::make_shared<Column>(std::move(type)); }

  const DataTypePtr& type() const { return type_; }
  int64_t length() const { return static_cast<int64_t>(validity_.size()); }
  int64_t null_count() const;

  bool is_valid(int64_t row) const { return validity_[row] != 0; }
  bool is_null(int64_t row) const { return validity_[row] == 0; }

  // ---- reading -------------------------------------------------------------------------
  template <typename T>
  T value(int64_t row) const {
    T v;
    std::memcpy(&v, values_.data() + row * sizeof(T), sizeof(T));
    return v;
  }
  bool bool_value(int64_t row) const { return values_[row] != 0; }
  int128_t decimal_value(int64_t row) const { return value<int128_t>(row); }
  /// String or binary bytes of a row ("" for null).
  std::string_view string_value(int64_t row) const {
    const int32_t b = offset(row), e = offset(row + 1);
    return {data_.data() + b, static_cast<size_t>(e - b)};
  }
  int32_t offset(int64_t i) const { return offsets_[i]; }

  const std::vector<uint8_t>& validity() const { return validity_; }
  const std::vector<uint8_t>& values() const { return values_; }
  const std::vector<int32_t>& offsets() const { return offsets_; }
  const std::vector<char>& data() const { return data_; }
  const std::vector<ColumnPtr>& children() const { return children_; }
  const ColumnPtr& child(size_t i) const { return children_[i]; }

  // ---- building ------------------------------------------------------------------------
  void reserve(int64_t rows, int64_t data_bytes = 0);
  /// A null row. For structs, appends a null to every child (keeps the invariant above).
  void append_null();
  template <typename T>
  void append(T v) {
    validity_.push_back(1);
    const size_t at = values_.size();
    values_.resize(at + sizeof(T));
    std::memcpy(values_.data() + at, &v, sizeof(T));
  }
  void append_bool(bool v) { append<uint8_t>(v ? 1 : 0); }
  void append_decimal(int128_t unscaled) { append<int128_t>(unscaled); }
  /// String or binary row.
  void append_string(std::string_view s) {
    validity_.push_back(1);
    data_.insert(data_.end(), s.begin(), s.end());
    offsets_.push_back(static_cast<int32_t>(data_.size()));
  }
  /// Struct row that is present: the caller then appends exactly one row to each child.
  void append_struct_valid() { validity_.push_back(1); }
  /// Array/map row: the caller has appended `count` elements to the child column(s) first.
  void append_list_end() {
    validity_.push_back(1);
    offsets_.push_back(static_cast<int32_t>(list_child_length()));
  }
  /// Keep only the first `rows` rows (the decoder's rollback when a record turns out to be
  /// bad), including child elements appended for an array/map row that was never finished.
  void truncate(int64_t rows);

  /// Mutable child access, for builders.
  Column& mutable_child(size_t i) { return *children_[i]; }

  /// Raw buffers, for bulk kernels (batch/take.h) that fill many rows at once; the caller
  /// keeps the layout and the invariant described at the top of this file.
  std::vector<uint8_t>& mutable_validity() { return validity_; }
  std::vector<uint8_t>& mutable_values() { return values_; }
  std::vector<int32_t>& mutable_offsets() { return offsets_; }
  std::vector<char>& mutable_data() { return data_; }

 private:
  int64_t list_child_length() const { return children_.empty() ? 0 : children_[0]->length(); }

  DataTypePtr type_;
  std::vector<uint8_t> validity_;
  std::vector<uint8_t> values_;
  std::vector<int32_t> offsets_;  // starts with a single 0 for string/binary/array/map
  std::vector<char> data_;
  std::vector<ColumnPtr> children_;
};

}  // namespace lakestream
