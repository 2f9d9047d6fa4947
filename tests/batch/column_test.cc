// Column builder: truncate as the decoder's rollback uses it.

#include "lakestream/batch/column.h"

#include <gtest/gtest.h>

namespace lakestream {
namespace {

TEST(ColumnTruncateTest, DropsElementsOfAnUnfinishedArrayRow) {
  Column c(DataType::array(DataType::int_()));
  c.mutable_child(0).append<int32_t>(1);
  c.append_list_end();  // row 0: [1]
  c.mutable_child(0).append<int32_t>(2);
  c.mutable_child(0).append<int32_t>(3);  // row 1 begun, never finished
  ASSERT_EQ(c.length(), 1);
  c.truncate(1);
  EXPECT_EQ(c.child(0)->length(), 1);
  EXPECT_EQ(c.child(0)->value<int32_t>(0), 1);
  EXPECT_EQ(c.offsets().back(), 1);
}

TEST(ColumnTruncateTest, DropsEntriesOfAnUnfinishedMapRowInsideAStruct) {
  Column c(
      DataType::struct_({Field{"m", DataType::map(DataType::string(), DataType::long_()), true}}));
  c.append_struct_valid();
  Column& map = c.mutable_child(0);
  map.mutable_child(0).append_string("a");
  map.mutable_child(1).append<int64_t>(7);  // map row never finished
  c.truncate(0);
  EXPECT_EQ(c.length(), 0);
  EXPECT_EQ(map.length(), 0);
  EXPECT_EQ(map.child(0)->length(), 0);
  EXPECT_EQ(map.child(1)->length(), 0);
  EXPECT_TRUE(map.child(0)->data().empty());
}

TEST(ColumnTruncateTest, RemovesWholeRowsAndKeepsEarlierOnes) {
  Column c(DataType::string());
  c.append_string("keep");
  c.append_string("drop");
  c.append_null();
  c.truncate(1);
  ASSERT_EQ(c.length(), 1);
  EXPECT_EQ(c.string_value(0), "keep");
  EXPECT_EQ(c.data().size(), 4u);
  c.truncate(5);  // past the end: nothing to do
  EXPECT_EQ(c.length(), 1);
}

}  // namespace
}  // namespace lakestream
