// The decoder's memory tactics: a batch's columns are sized once, early in a call, for what
// the whole input will probably need, and big buffers are advised onto huge pages.
#include <cstdlib>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "json/decoder_impl.h"

namespace lakestream {

namespace {

/// Ask for transparent huge pages over the whole 2 MiB pages inside a big buffer's capacity.
/// A batch's columns are written once, front to back, into fresh memory: with 4 KiB pages a
/// million rows take ~12,000 page faults (a third of the decode time on a VM), with 2 MiB
/// pages a few dozen. Only advice: without THP (or off Linux) nothing changes.
template <typename T>
void advise_huge_pages(const std::vector<T>& buffer) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
  const auto first = reinterpret_cast<uintptr_t>(buffer.data());
  const uintptr_t last = first + buffer.capacity() * sizeof(T);
  const uintptr_t from = (first + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t to = last & ~(kHugePage - 1);
  if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
#if defined(MADV_POPULATE_WRITE)
  // Then map the whole capacity in one call instead of one fault per page: a fault costs
  // microseconds on a VM, and every page will be written anyway (the reservation is what the
  // rest of the input needs). Before Linux 5.14 the call fails and faults happen as before.
  constexpr uintptr_t kPage = 4096;
  const uintptr_t page_from = (first + kPage - 1) & ~(kPage - 1);
  const uintptr_t page_to = last & ~(kPage - 1);
  if (page_to > page_from) {
    madvise(reinterpret_cast<void*>(page_from), page_to - page_from, MADV_POPULATE_WRITE);
  }
#endif
#else
  (void)buffer;
#endif
}

/// Reserve room in `column` (and its children) for `scale` times what it holds now.
void scale_reserve(Column& column, double scale) {
  const auto grow = [scale](size_t n) {
    return static_cast<int64_t>(static_cast<double>(n) * scale);
  };
  // String bytes per row vary more than rows per byte (the first records of a run often have
  // the shortest values): a third more room, so the biggest buffers are not copied once more
  // near the end.
  column.reserve(grow(static_cast<size_t>(column.length())),
                 grow(column.data().size() + column.data().size() / 3));
  advise_huge_pages(column.validity());
  advise_huge_pages(column.values());
  advise_huge_pages(column.offsets());
  advise_huge_pages(column.data());
  for (size_t i = 0; i < column.children().size(); ++i) {
    scale_reserve(column.mutable_child(i), scale);
  }
}

}  // namespace

void JsonDecoder::Impl::reserve_ahead(RecordBatch& batch, int64_t rows_before, int64_t rows_now,
                                      size_t done, size_t total) const {
  // `done` of `total` units (bytes or events) gave rows_now - rows_before rows; assume the
  // rest looks alike. A wrong guess costs memory or a later doubling, never correctness.
  const int64_t rows_here = rows_now - rows_before;
  if (rows_here <= 0 || rows_now <= 0 || done == 0 || total <= done) return;
  const double expected_rows = static_cast<double>(rows_before) + static_cast<double>(rows_here) *
                                                                      static_cast<double>(total) /
                                                                      static_cast<double>(done);
  const double scale = expected_rows / static_cast<double>(rows_now);
  if (scale < 1.5) return;  // not worth it: doubling copes
  for (const ColumnPtr& column : batch.columns()) scale_reserve(*column, scale);
}

}  // namespace lakestream
