// Fuzz target: the Parquet reader (parquet/parquet_reader.h) on a file held in memory: the
// footer (Thrift compact), the schema mapping, then every row group of every column — pages
// v1 and v2, dictionaries, RLE/bit-packed levels, every codec and encoding the reader knows —
// and the statistics. The input is the whole file.
//
// The last byte of the input also picks a small footer_read_size now and then, so the
// two-request footer path (a footer larger than the first read) is fuzzed too.
// Property: whatever opens and reads gives whole batches (validate + every cell readable).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz_support.h"
#include "lakestream/parquet/parquet_reader.h"

namespace {
constexpr size_t kMaxInput = 256 * 1024;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lakestream;
  using namespace lakestream::fuzz;
  if (size > kMaxInput) return 0;
  ParquetReaderOptions options;
  if (size > 0 && (data[size - 1] & 7) == 0) options.footer_read_size = 16;
  auto reader = ParquetReader::open(
      std::make_unique<BytesFile>(std::string(as_text(data, size)), "fuzz.parquet"), options);
  if (!reader.ok()) return 0;
  const ParquetReader& r = **reader;
  (void)r.num_rows();
  for (int i = 0; i < r.num_row_groups(); ++i) {
    (void)r.row_group(i);
    for (const Field& field : r.schema().fields()) {
      const ParquetColumnChunkInfo* stats = r.column_stats(i, field.name);
      if (stats != nullptr && stats->min.has_value()) {
        (void)r.row_group_may_match(i, {ParquetPredicate::equal(field.name, *stats->min)});
      }
    }
    auto batch = r.read_row_group(i);
    if (batch.ok()) {
      check(batch->schema() == r.schema());
      check_batch(*batch);
    }
  }
  return 0;
}
