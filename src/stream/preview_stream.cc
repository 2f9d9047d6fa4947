#include <iostream>
#include <mutex>

#include "lakestream/batch/show.h"
#include "lakestream/stream/data_stream.h"
#include "lakestream/stream/data_stream_writer.h"

namespace lakestream {

Status preview_stream(const DataStream& stream, double seconds, std::ostream& out, int num_rows,
                      int truncate) {
  LS_RETURN_NOT_OK(stream.status());
  out << stream.tree_string() << std::flush;
  // Spark's console sink: the batch header, then Dataset.show (println adds a blank line).
  auto print = [&out, num_rows, truncate](const RecordBatch& batch, int64_t batch_id) {
    const std::string dashes(43, '-');
    out << dashes << "\nBatch: " << batch_id << "\n"
        << dashes << "\n"
        << show_string(batch, num_rows, truncate) << "\n"
        << std::flush;
    return Status::OK();
  };
  LS_ASSIGN_OR_RAISE(StreamingQuery query, stream.write_stream()
                                               .foreach_batch(print)
                                               .option("progress-log", "none")
                                               .option("commit-source-offsets", "false")
                                               .start());
  auto ended = query.await_termination(seconds);
  query.stop();
  if (!ended.ok()) return ended.status().with_context("preview_stream");
  return query.exception();
}

Status preview_stream(const DataStream& stream, double seconds) {
  return preview_stream(stream, seconds, std::cout);
}

}  // namespace lakestream
