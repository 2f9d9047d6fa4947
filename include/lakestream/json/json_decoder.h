#pragma once
// json/json_decoder: the schema-driven JSON decoder. JSON documents (event bodies or NDJSON
// lines) go straight into the columns of a RecordBatch, guided by the schema: simdjson
// on-demand, no DOM, no heap allocation per value. A record that does not fit the schema is
// rolled back out of the batch and handed back as a RejectedRecord; the batch goes on.
// The rules (missing/null fields, type mismatches, numbers, timestamps, modes) are in
// docs/decoding.md. Events come in as the sources deliver them (RawEvent, from
// lakestream/source/raw_event.h, the only thing this module takes from module source); it must
// not know about sinks or Delta.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/batch/record_batch.h"
#include "lakestream/common/status.h"
#include "lakestream/json/rejected_record.h"
#include "lakestream/schema/schema.h"
#include "lakestream/source/raw_event.h"

namespace lakestream {

/// What the decoder does with a record that does not fit the schema.
enum class DecodeMode : uint8_t {
  kDeadLetter,  ///< reject the record (kept aside with reason, position and bytes); default
  kPermissive,  ///< Spark's PERMISSIVE: a bad value in a nullable field becomes null
  kFailFast,    ///< stop at the first bad record with an error naming it
};

/// "dead-letter", "permissive" or "fail-fast" (the names options and the CLI use), or nullopt.
std::optional<DecodeMode> parse_decode_mode(std::string_view text);
/// The option name of a mode ("dead-letter", ...).
std::string_view decode_mode_name(DecodeMode mode);

struct JsonDecodeOptions {
  DecodeMode mode = DecodeMode::kDeadLetter;
  /// Deepest object/array nesting accepted anywhere in a record (the record's own object is
  /// depth 1). Deeper records are rejected in every mode.
  int max_depth = 64;
  /// The rescued-data column (Auto Loader's `_rescued_data`): when not empty, the batches get
  /// a nullable string column of this name after the schema's columns, holding per record one
  /// JSON object of what the schema did not expect: members it does not name (at any depth,
  /// keyed by path: `Extra`, `Device.Extra`, `Readings[2].Extra`, `Labels[site].Extra`) and,
  /// in permissive mode, the original value of every field made null. Null when nothing was
  /// rescued. Empty (the default): no such column, unknown members are ignored.
  std::string rescued_data_column = {};
  /// A record (event body, NDJSON line) longer than this is rejected in every mode before any
  /// of it is decoded, with its position and its first MiB (the reason says so): one oversized
  /// record cannot blow up the memory of the batch, its Parquet pages and statistics. Event Hubs'
  /// largest event is 1 MB (Standard) or 20 MB (Premium); Kafka's default message.max.bytes is 1
  /// MB.
  int64_t max_record_bytes = 32LL << 20;
};

/// One event body to decode: the source's own event, whose partition and offset name it in
/// positions (the decoder reads nothing else of it). `{body, partition, offset}` builds one.
using JsonEvent = RawEvent;

/// Decodes JSON objects into a RecordBatch of a fixed schema. Holds the simdjson parser and
/// scratch buffers, which it reuses from record to record: keep one decoder per thread and
/// per schema, and call it for every batch. Not thread-safe; movable.
class JsonDecoder {
 public:
  /// A decoder for `schema`. InvalidArgument for options out of range or a rescued-data column
  /// named like a schema column (compared ignoring case, as Delta compares column names);
  /// NotImplemented for a map whose key type is not string (JSON object keys are strings).
  static Result<JsonDecoder> make(Schema schema, JsonDecodeOptions options = {});

  JsonDecoder(JsonDecoder&&) noexcept;
  JsonDecoder& operator=(JsonDecoder&&) noexcept;
  ~JsonDecoder();

  /// The schema records are decoded against (the one given to make).
  const Schema& input_schema() const;
  /// The schema of the batches this decoder fills: input_schema(), then the rescued-data
  /// column when options().rescued_data_column is set. Make batches with
  /// RecordBatch::make_empty(output_schema()).
  const Schema& output_schema() const;
  const JsonDecodeOptions& options() const;

  /// Decode separate event bodies (one JSON object each) from `source` (the topic / event hub
  /// name, used in positions). Each reject carries the index of its event in `events`
  /// (RejectedRecord::event_index), so the caller finds the event's other metadata there. Rows are
  /// appended to `batch`, which must have been made for this decoder's output
  /// (RecordBatch::make_empty(output_schema())); refused records are appended to `rejects` (may be
  /// null in fail-fast mode). In fail-fast mode the first bad record stops decoding with
  /// InvalidArgument naming its position and the reason; the rows before it stay in the batch and
  /// the bad one is rolled back.
  Status decode_events(std::span<const RawEvent> events, std::string_view source,
                       RecordBatch* batch, std::vector<RejectedRecord>* rejects);

  /// Decode NDJSON text: one object per line, "\n" or "\r\n" line breaks, the last line may
  /// lack one. Blank lines (empty or only whitespace) are skipped but counted, so positions
  /// carry the real line numbers: the first line of `text` is line `first_line`. A bad line
  /// never affects its neighbours. Same batch/rejects/mode contract as decode_events.
  Status decode_ndjson(std::string_view text, std::string_view source, RecordBatch* batch,
                       std::vector<RejectedRecord>* rejects, int64_t first_line = 1);

 private:
  class Impl;
  explicit JsonDecoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lakestream
