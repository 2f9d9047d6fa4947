#pragma once
// json/decoder_impl: JsonDecoder::Impl, the decoder's state and steps, shared by its four
// files (internal to the json module):
//   json_decoder.cc    framing: the entry points, NDJSON lines and event bodies, the choice
//                      between the direct path (json/direct_scan) and simdjson on-demand, and
//                      the public API;
//   decode_values.cc   value conversion on the on-demand path: one record, its members, every
//                      type, the rescued-data column;
//   decode_memory.cc   memory tactics: sizing a batch's columns ahead, huge-page advice;
//   decode_rejects.cc  reject messages: what failed and where, dead letters, fail-fast errors.

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "json/decode_plan.h"
#include "json/direct_scan.h"
#include "lakestream/json/json_decoder.h"

namespace lakestream {

namespace json_internal {

namespace od = simdjson::ondemand;

/// How decoding one value ended. A bad value may be nulled in permissive mode; a bad record
/// (malformed JSON, structure problems) is always rejected.
enum class Outcome : uint8_t { kOk, kBadValue, kBadRecord };

/// Where a record came from, without owning anything: materialised only for rejects.
struct PositionRef {
  std::string_view source;
  int32_t partition = -1;
  int64_t offset = -1;
  int64_t line = -1;
};

}  // namespace json_internal

using json_internal::DirectScanner;
using json_internal::Outcome;
using json_internal::PositionRef;
using json_internal::TypePlan;
namespace od = simdjson::ondemand;

class __attribute__((visibility("hidden"))) JsonDecoder::Impl {
 public:
  Impl(Schema schema, Schema output, JsonDecodeOptions options, std::unique_ptr<TypePlan> root,
       bool direct)
      : schema_(std::move(schema)),
        output_(std::move(output)),
        options_(std::move(options)),
        root_(std::move(root)),
        rescue_(!options_.rescued_data_column.empty()),
        rescue_nulls_(rescue_ && options_.mode == DecodeMode::kPermissive),
        direct_(root_.get(), options_.max_depth, rescue_),
        use_direct_(direct && DirectScanner::supports(*root_)) {}

  Status decode_events(std::span<const JsonEvent> events, std::string_view source,
                       RecordBatch* batch, std::vector<RejectedRecord>* rejects);
  Status decode_ndjson(std::string_view text, std::string_view source, RecordBatch* batch,
                       std::vector<RejectedRecord>* rejects, int64_t first_line);

  Schema schema_;
  Schema output_;  // schema_, then the rescued-data column when there is one
  JsonDecodeOptions options_;

 private:
  /// One step of the path from the record to the value being decoded, kept only when the
  /// rescued-data column is on (rescued members are keyed by their path).
  struct PathStep {
    enum Kind : uint8_t { kMember, kElement, kMapValue } kind;
    std::string_view name;  ///< member name or map key
    size_t index = 0;       ///< array element
  };

  Status check_target(const RecordBatch* batch, const std::vector<RejectedRecord>* rejects) const;
  /// Decode one record held in buf[0, len) with buf readable up to buf + capacity (capacity
  /// >= len + SIMDJSON_PADDING). True when the row was appended; false when it was refused,
  /// with every column rolled back and failure_ saying why.
  bool decode_record(const char* buf, size_t len, size_t capacity, RecordBatch& batch);
  /// Turn failure_ into a RejectedRecord (or, in fail-fast mode, into the returned error).
  /// Reject a record longer than options_.max_record_bytes, undecoded.
  Status reject_oversized(const PositionRef& where, std::string_view raw,
                          std::vector<RejectedRecord>* rejects);
  Status reject(const PositionRef& where, std::string_view raw,
                std::vector<RejectedRecord>* rejects);
  /// A view of `body` followed by SIMDJSON_PADDING readable bytes (a reused scratch copy).
  const char* padded_copy(std::string_view body);

  Outcome parse_record(const char* buf, size_t len, size_t capacity,
                       const std::vector<ColumnPtr>& columns);
  /// Decode the lines of chunk [begin, end) (whole lines; end - 1 is a '\n' and at least
  /// SIMDJSON_PADDING readable bytes follow) from one stage-1 pass over the whole chunk. Stops
  /// at the first line it cannot vouch for: a record that fails, a line that does not hold
  /// exactly one object, or the chunk's last record. Returns where it stopped (the start of
  /// that line, every row before it appended); *line counts the lines passed.
  const char* decode_stream_chunk(const char* begin, const char* end, int64_t* line,
                                  RecordBatch& batch);
  Outcome decode_fields(od::object& object, TypePlan& plan, const std::vector<ColumnPtr>& columns,
                        int depth);
  /// Index of the member `field` names when it is not the expected one; children.size() for
  /// an unknown key (then `*name` is the key), with *key_error set when the key cannot be
  /// unescaped.
  size_t find_child(TypePlan& plan, od::field& field, std::string_view* name, bool* key_error);
  /// The direct path over NDJSON text from *p (a line start): lines it cannot decode go to
  /// decode_line. Returns early (with *p at a line start) when most lines need on-demand
  /// anyway, so the caller's stage-1 runs take over.
  Status decode_lines_direct(const char** p, const char* begin, const char* end, int64_t* line,
                             std::string_view source, RecordBatch& batch,
                             std::vector<RejectedRecord>* rejects, bool* reserved,
                             int64_t rows_before);
  /// The on-demand path for one NDJSON line [p, nl) (nl: its '\n' or the text's end).
  Status decode_line(const char* p, const char* nl, const char* begin, const char* end,
                     int64_t line, std::string_view source, RecordBatch& batch,
                     std::vector<RejectedRecord>* rejects);
  /// Grow every column's buffers once, early in a call, to the size the whole input will
  /// probably need: avoids the copies and page faults of repeated doubling.
  void reserve_ahead(RecordBatch& batch, int64_t rows_before, int64_t rows_now, size_t bytes_done,
                     size_t bytes_total) const;
  Outcome skip_unknown(od::value value, int depth);
  /// The raw JSON text of an object or array value (`type` says which).
  Outcome container_text(od::value& value, od::json_type type, std::string_view* raw);
  // The rescued-data column (options_.rescued_data_column): what a record holds that the
  // schema does not expect is gathered in rescued_ as `"path":value` members, then written as
  // one JSON object (or null) when the record is done.
  /// A member the schema does not name, kept under its path.
  Outcome rescue_member(od::value value, std::string_view key, int depth);
  /// decode_slot in permissive mode with the rescued-data column: a value made null is kept.
  /// Out of line, so decode_slot's own path stays as it was without the column.
  [[gnu::noinline]] Outcome decode_slot_rescuing(od::value& value, TypePlan& plan, bool nullable,
                                                 Column& column, int depth);
  /// Add `"path.leaf":text` to rescued_ (the path alone when `leaf` is null).
  void add_rescued(const std::string_view* leaf, std::string_view text);
  /// Start a record whose bytes end at `end` (rescued values are measured up to there).
  void begin_rescue(const char* end);
  /// Append the record's rescued object, or null, to the rescued-data column.
  void finish_rescue(const std::vector<ColumnPtr>& columns);
  Outcome decode_slot(od::value value, TypePlan& plan, bool nullable, Column& column, int depth);
  Outcome decode_value(od::value& value, TypePlan& plan, bool nullable, Column& column, int depth);

  Outcome decode_string(od::value& value, od::json_type type, Column& column, int depth);
  Outcome decode_boolean(od::value& value, od::json_type type, TypePlan& plan, Column& column);
  Outcome decode_integer(od::value& value, od::json_type type, TypePlan& plan, Column& column);
  Outcome decode_floating(od::value& value, od::json_type type, TypePlan& plan, Column& column);
  Outcome decode_decimal(od::value& value, od::json_type type, TypePlan& plan, Column& column);
  Outcome decode_timestamp(od::value& value, od::json_type type, TypePlan& plan, Column& column);
  Outcome decode_date(od::value& value, od::json_type type, TypePlan& plan, Column& column);
  Outcome decode_binary(od::value& value, od::json_type type, TypePlan& plan, Column& column);
  Outcome decode_struct(od::value& value, od::json_type type, TypePlan& plan, Column& column,
                        int depth);
  Outcome decode_array(od::value& value, od::json_type type, TypePlan& plan, Column& column,
                       int depth);
  Outcome decode_map(od::value& value, od::json_type type, TypePlan& plan, Column& column,
                     int depth);

  // Failure helpers: record what went wrong (the path is prefixed while unwinding).
  Outcome bad_value(std::string what);
  Outcome bad_record(std::string what);
  Outcome malformed(simdjson::error_code error);
  Outcome malformed_token(std::string_view token);
  /// A value of the wrong JSON kind for `plan`. Still checks that it is well-formed and not
  /// too deep, so permissive mode never turns malformed JSON into a null.
  Outcome mismatch(od::value& value, od::json_type got, const TypePlan& plan);
  Outcome too_deep();
  void prefix_path(std::string_view component);

  std::unique_ptr<TypePlan> root_;
  bool rescue_;        // the rescued-data column is on
  bool rescue_nulls_;  // ... and permissive mode may null values (whose text it keeps)
  DirectScanner direct_;
  bool use_direct_;
  od::parser parser_;
  std::vector<char> padded_;  // scratch copy for inputs without padding of their own
  std::string binary_;        // scratch for decoded base64
  std::string failure_path_;  // "Measurement.Value", built only on failure
  std::string failure_what_;
  int value_depth_ = 0;               // depth of the value being decoded, for mismatch()
  std::vector<PathStep> path_;        // rescue only: where the decoder is in the record
  std::string rescued_;               // rescue only: the record's rescued members so far
  std::string rescued_path_;          // rescue only: scratch for one path
  std::string json_stack_;            // rescue only: scratch for json_value_length
  const char* record_end_ = nullptr;  // rescue only: the end of the record's bytes
};

}  // namespace lakestream
