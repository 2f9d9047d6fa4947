#pragma once
// Helpers for the json module's tests: decode text with a schema and look at the outcome.

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "lakestream/json/json_decoder.h"

namespace lakestream::testing {

/// What one decode call produced.
struct Decoded {
  RecordBatch batch;
  std::vector<RejectedRecord> rejects;
  Status status;
};

/// Decode `ndjson` (one record per line) with a fresh decoder for `schema`.
inline Decoded decode_lines(const Schema& schema, std::string_view ndjson,
                            DecodeMode mode = DecodeMode::kDeadLetter, int max_depth = 64) {
  Decoded out;
  out.batch = RecordBatch::make_empty(schema);
  auto decoder = JsonDecoder::make(schema, {mode, max_depth});
  EXPECT_TRUE(decoder.ok()) << decoder.status().to_string();
  if (!decoder.ok()) return out;
  out.status = decoder->decode_ndjson(ndjson, "test.ndjson", &out.batch, &out.rejects);
  return out;
}

/// Every column has num_rows rows, and nested children are consistent with their parents.
inline void expect_consistent(const Column& c, int64_t rows) {
  ASSERT_EQ(c.length(), rows) << c.type()->simple_string();
  switch (c.type()->id()) {
    case TypeId::kStruct:
      for (const auto& child : c.children()) expect_consistent(*child, rows);
      break;
    case TypeId::kArray:
    case TypeId::kMap:
      for (const auto& child : c.children()) expect_consistent(*child, c.offsets().back());
      break;
    case TypeId::kString:
    case TypeId::kBinary:
      ASSERT_EQ(static_cast<size_t>(c.offsets().back()), c.data().size());
      break;
    default:
      ASSERT_EQ(c.values().size(), static_cast<size_t>(rows * c.type()->fixed_width()));
  }
}

inline void expect_consistent(const RecordBatch& batch) {
  ASSERT_TRUE(batch.validate().ok()) << batch.validate().to_string();
  for (const auto& c : batch.columns()) expect_consistent(*c, batch.num_rows());
}

}  // namespace lakestream::testing
