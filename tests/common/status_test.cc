#include "lakestream/common/status.h"

#include <gtest/gtest.h>

namespace lakestream {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return Status::InvalidArgument("value " + std::to_string(v) + " is not positive");
  return v;
}

Status doubled(int v, int* out) {
  LS_ASSIGN_OR_RAISE(int x, parse_positive(v));
  *out = 2 * x;
  return Status::OK();
}

TEST(StatusTest, OkHasNoMessage) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.to_string(), "OK");
}

TEST(StatusTest, ErrorCarriesCodeAndContext) {
  Status s = Status::NotFound("x.parquet").with_context("reading table t");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.to_string(), "NotFound: reading table t: x.parquet");
}

TEST(StatusTest, MacrosPropagate) {
  int out = 0;
  EXPECT_TRUE(doubled(4, &out).ok());
  EXPECT_EQ(out, 8);
  Status s = doubled(-1, &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "value -1 is not positive");
}

}  // namespace
}  // namespace lakestream
