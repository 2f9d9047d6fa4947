#include "lakestream/batch/take.h"

#include <gtest/gtest.h>

#include <vector>

namespace lakestream {
namespace {

TEST(TakeTest, GathersFixedWidthStringsAndNullsInIndexOrder) {
  const Schema schema = Schema()
                            .add("s", DataType::string())
                            .add("i", DataType::int_())
                            .add("d", DataType::decimal(20, 2))
                            .add("b", DataType::boolean());
  RecordBatch batch = RecordBatch::make_empty(schema);
  for (int r = 0; r < 6; ++r) {
    if (r == 2) {
      for (size_t c = 0; c < 4; ++c) batch.mutable_column(c).append_null();
      continue;
    }
    batch.mutable_column(0).append_string(std::string(static_cast<size_t>(r), 'a' + r));
    batch.mutable_column(1).append<int32_t>(r * 10);
    batch.mutable_column(2).append_decimal(static_cast<int128_t>(r) << 70);
    batch.mutable_column(3).append_bool(r % 2 == 1);
  }
  const std::vector<int32_t> rows = {5, 2, 0, 5, 3};
  RecordBatch out = take(batch, rows);
  ASSERT_TRUE(out.validate().ok());
  ASSERT_EQ(out.num_rows(), 5);
  EXPECT_EQ(out.column(0)->string_value(0), "fffff");
  EXPECT_TRUE(out.column(0)->is_null(1));
  EXPECT_TRUE(out.column(1)->is_null(1));
  EXPECT_EQ(out.column(0)->string_value(2), "");
  EXPECT_TRUE(out.column(0)->is_valid(2));
  EXPECT_EQ(out.column(0)->string_value(3), "fffff");
  EXPECT_EQ(out.column(0)->string_value(4), "ddd");
  EXPECT_EQ(out.column(1)->value<int32_t>(4), 30);
  EXPECT_EQ(out.column(2)->decimal_value(0), static_cast<int128_t>(5) << 70);
  EXPECT_TRUE(out.column(3)->bool_value(3));
  EXPECT_FALSE(out.column(3)->bool_value(2));
}

TEST(TakeTest, AppendTakenExtendsAnExistingColumn) {
  ColumnPtr src = Column::make(DataType::string());
  for (const char* s : {"x", "yy", "zzz"}) src->append_string(s);
  ColumnPtr dst = Column::make(DataType::string());
  dst->append_string("first");
  const std::vector<int32_t> rows = {2, 0};
  append_taken(*src, rows, dst.get());
  ASSERT_EQ(dst->length(), 3);
  EXPECT_EQ(dst->string_value(0), "first");
  EXPECT_EQ(dst->string_value(1), "zzz");
  EXPECT_EQ(dst->string_value(2), "x");
}

TEST(TakeTest, NestedStructAndArrayRowsFollowTheirParents) {
  auto type = DataType::struct_(
      {Field{"n", DataType::array(DataType::long_())}, Field{"t", DataType::string()}});
  ColumnPtr col = Column::make(type);
  for (int r = 0; r < 3; ++r) {
    Column& list = col->mutable_child(0);
    for (int k = 0; k <= r; ++k) list.mutable_child(0).append<int64_t>(r * 100 + k);
    list.append_list_end();
    col->mutable_child(1).append_string(std::to_string(r));
    col->append_struct_valid();
  }
  const std::vector<int32_t> rows = {2, 1};
  ColumnPtr out = take(*col, rows);
  ASSERT_EQ(out->length(), 2);
  const Column& list = *out->child(0);
  EXPECT_EQ(list.offset(0), 0);
  EXPECT_EQ(list.offset(1), 3);
  EXPECT_EQ(list.offset(2), 5);
  EXPECT_EQ(list.child(0)->value<int64_t>(0), 200);
  EXPECT_EQ(list.child(0)->value<int64_t>(2), 202);
  EXPECT_EQ(list.child(0)->value<int64_t>(3), 100);
  EXPECT_EQ(out->child(1)->string_value(1), "1");
}

TEST(TakeTest, EmptyIndicesGiveAnEmptyColumn) {
  ColumnPtr src = Column::make(DataType::double_());
  src->append<double>(1.5);
  ColumnPtr out = take(*src, std::span<const int32_t>{});
  EXPECT_EQ(out->length(), 0);
  EXPECT_EQ(out->type()->id(), TypeId::kDouble);
}

}  // namespace
}  // namespace lakestream
