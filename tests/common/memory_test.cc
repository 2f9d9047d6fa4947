// release_free_memory: free pages in the middle of the heap go back to the system.
#include "lakestream/common/memory.h"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace lakestream {
namespace {

// Resident kilobytes of this process (Linux), or -1.
long resident_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

TEST(MemoryTest, FreedHeapPagesBelowLiveDataAreReleased) {
#if !defined(__GLIBC__) || !defined(__linux__)
  GTEST_SKIP() << "glibc on Linux only";
#else
  // 64 MB in 64 KB blocks (below malloc's mmap threshold: they live in the heap), touched,
  // then all freed but the last, which pins the heap's top so that free() alone cannot shrink
  // it: the freed pages stay resident until released.
  std::vector<std::unique_ptr<char[]> > blocks;
  for (int i = 0; i < 1024; ++i) {
    blocks.emplace_back(new char[64 * 1024]);
    std::fill_n(blocks.back().get(), 64 * 1024, static_cast<char>(i));
  }
  std::unique_ptr<char[]> pin = std::move(blocks.back());
  blocks.pop_back();
  blocks.clear();
  const long before = resident_kb();
  ASSERT_GT(before, 0);
  EXPECT_TRUE(release_free_memory());
  const long after = resident_kb();
  EXPECT_LT(after, before - 32 * 1024)
      << "resident " << before << " kB before, " << after << " kB after";
  EXPECT_EQ(pin[0], static_cast<char>(1023));
#endif
}

}  // namespace
}  // namespace lakestream
