#pragma once
// common/memory: giving freed heap memory back to the operating system.
//
// glibc's malloc keeps what a thread frees in that thread's arena and returns only the free
// space at an arena's top; after a large transient allocation (a Delta checkpoint, a big
// fetch response) the pages in the middle stay resident. A long-running stream sees its
// resident size creep up with such peaks although the live heap does not grow. Calling
// release_free_memory() now and then (the stream engine does every kReleaseEveryBatches
// batches) hands those pages back (glibc's malloc_trim: madvise(MADV_DONTNEED) on free pages
// of every arena). Elsewhere it does nothing.

namespace lakestream {

/// Return the free pages of the heap to the operating system. Costs a walk over the heap's
/// free chunks (about a millisecond for ~100 MB); the pages given back fault in again on reuse.
/// Returns whether anything was released (false where unsupported).
bool release_free_memory();

}  // namespace lakestream
