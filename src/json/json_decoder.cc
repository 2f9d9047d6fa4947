// The schema-driven decoder. One pass per record with simdjson on-demand: the object's members
// are visited in document order, each key matched against the plan (usually one comparison,
// since producers write fields in schema order), and each value parsed straight into its
// column. Nothing is allocated per value; reject reasons are built only when something fails.
#include "lakestream/json/json_decoder.h"

#include <simdjson.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <algorithm>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "json/base64.h"
#include "json/decode_plan.h"
#include "json/direct_scan.h"
#include "json/json_text.h"
#include "lakestream/common/decimal.h"
#include "lakestream/common/strings.h"
#include "lakestream/common/time.h"

namespace lakestream {

namespace {

namespace od = simdjson::ondemand;
using json_internal::ChildPlan;
using json_internal::DirectScanner;
using json_internal::TypePlan;

constexpr int kMaxDepthLimit = 100'000;
/// Records decoded in a call before its columns are sized for the whole input.
constexpr size_t kReserveAfter = 64;
constexpr int64_t kMicrosPerSecond = 1'000'000;
/// Bounds of the runs of NDJSON lines handed to simdjson's stage 1 at once (see
/// decode_stream_chunk): big enough to amortise its setup, small enough to stay in cache and to
/// waste little work when a bad line ends a run early.
constexpr size_t kMinStreamChunk = 16 * 1024;
constexpr size_t kFirstStreamChunk = 64 * 1024;
constexpr size_t kMaxStreamChunk = 1024 * 1024;
/// NDJSON bytes checked for valid UTF-8 at once before the direct path reads their lines.
constexpr size_t kUtf8Block = 256 * 1024;
/// Lines after which the direct path gives way to stage-1 runs when it had to hand more than
/// half of them to the on-demand path.
constexpr size_t kDirectProbe = 1024;

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

const char* json_kind(od::json_type t) {
  switch (t) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "a boolean";
    case od::json_type::null:
      return "null";
  }
  return "an unknown value";
}

/// UTF-8 check for one event body: plain ASCII (the usual case) is seen eight bytes at a time
/// without a call; anything else goes to simdjson's validator.
inline bool valid_utf8(const char* p, size_t n) {
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  uint64_t any = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x = 0;
    std::memcpy(&x, p + i, 8);
    any |= x;
  }
  for (; i < n; ++i) any |= static_cast<unsigned char>(p[i]);
  return (any & kHigh) == 0 || simdjson::validate_utf8(p, n);
}

bool is_blank(const char* p, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    const char c = p[i];
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

/// A string value's content straight from the input when it needs no unescaping (the common
/// case): no copy through simdjson's string buffer, and the value is not consumed (on-demand
/// steps over it). False when simdjson must decode it (escapes, control characters: its
/// get_string gives the error).
inline bool plain_string(od::value& value, std::string_view* out) {
  const std::string_view token = value.raw_json_token();  // "..." plus trailing blanks
  size_t n = token.size();
  while (n > 0 && token[n - 1] != '"') --n;
  if (n < 2) return false;
  const char* inner = token.data() + 1;
  if (!json_internal::plain_string_bytes(inner, n - 2)) return false;
  *out = std::string_view(inner, n - 2);
  return true;
}

/// A string value: from the input when plain, else unescaped by simdjson.
inline simdjson::error_code read_string(od::value& value, std::string_view* out) {
  if (plain_string(value, out)) return simdjson::SUCCESS;
  return value.get_string().get(*out);
}

/// Cut a number token for a message (numbers are not quoted, but may be absurdly long).
std::string number_text(std::string_view token) {
  constexpr size_t kMax = 64;
  return token.size() <= kMax ? std::string(token) : std::string(token.substr(0, kMax)) + "...";
}

}  // namespace

// ---------------------------------------------------------------------------------------------

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

// ---- entry points ---------------------------------------------------------------------------

Status JsonDecoder::Impl::check_target(const RecordBatch* batch,
                                       const std::vector<RejectedRecord>* rejects) const {
  if (batch == nullptr) return Status::InvalidArgument("JSON decoding needs a target batch");
  if (rejects == nullptr && options_.mode != DecodeMode::kFailFast) {
    return Status::InvalidArgument("JSON decoding in " +
                                   std::string(decode_mode_name(options_.mode)) +
                                   " mode needs a list for rejected records");
  }
  bool same = batch->num_columns() == output_.size();
  for (size_t i = 0; same && i < output_.size(); ++i) {
    same = same_type(batch->column(i)->type(), output_.field(i).type);
  }
  if (!same) {
    return Status::InvalidArgument(
        "the target batch does not match the decoder's output schema (make it with "
        "RecordBatch::make_empty(decoder.output_schema())): batch " +
        batch->schema().as_struct()->simple_string() + ", decoder " +
        output_.as_struct()->simple_string());
  }
  return Status::OK();
}

const char* JsonDecoder::Impl::padded_copy(std::string_view body) {
  const size_t need = body.size() + simdjson::SIMDJSON_PADDING;
  if (padded_.size() < need) padded_.resize(need);  // grows only: reused across records
  if (!body.empty()) std::memcpy(padded_.data(), body.data(), body.size());
  // simdjson peeks at the byte after a document in some error paths: blanks there (as an
  // NDJSON line parsed in place has its line break) keep the outcome independent of whatever
  // an earlier, longer record left in the scratch buffer.
  std::memset(padded_.data() + body.size(), ' ', simdjson::SIMDJSON_PADDING);
  return padded_.data();
}

Status JsonDecoder::Impl::decode_events(std::span<const JsonEvent> events, std::string_view source,
                                        RecordBatch* batch, std::vector<RejectedRecord>* rejects) {
  LS_RETURN_NOT_OK(check_target(batch, rejects));
  const std::vector<ColumnPtr>& columns = batch->columns();
  const int64_t rows_before = batch->num_rows();
  size_t decoded = 0;
  for (const JsonEvent& event : events) {
    if (decoded++ == kReserveAfter) {
      if (use_direct_) DirectScanner::close(columns);
      reserve_ahead(*batch, rows_before, batch->num_rows(), kReserveAfter, events.size());
    }
    const char* const body = event.body.data();
    const size_t size = event.body.size();
    if (static_cast<int64_t>(size) > options_.max_record_bytes) {
      LS_RETURN_NOT_OK(
          reject_oversized({source, event.partition, event.offset, -1}, event.body, rejects));
      rejects->back().event_index = static_cast<int64_t>(decoded - 1);
      continue;
    }
    if (use_direct_) {
      // The direct path reads the body where it is; UTF-8 is checked first, as stage 1 would.
      const int64_t rows = batch->num_rows();
      if (valid_utf8(body, size) && direct_.decode_event(body, body + size, columns)) {
        continue;
      }
      for (const ColumnPtr& column : columns) column->truncate(rows);
    }
    // Event bodies come from separate buffers without padding: one reused copy each.
    const char* buf = padded_copy(event.body);
    if (!decode_record(buf, size, padded_.size(), *batch)) {
      LS_RETURN_NOT_OK(reject({source, event.partition, event.offset, -1}, event.body, rejects));
      rejects->back().event_index = static_cast<int64_t>(decoded - 1);
    }
  }
  if (use_direct_) DirectScanner::close(columns);
  return Status::OK();
}

Status JsonDecoder::Impl::decode_line(const char* p, const char* nl, const char* begin,
                                      const char* end, int64_t line, std::string_view source,
                                      RecordBatch& batch, std::vector<RejectedRecord>* rejects) {
  size_t len = static_cast<size_t>(nl - p);
  if (len > 0 && p[len - 1] == '\r') --len;
  if (static_cast<int64_t>(len) > options_.max_record_bytes) {
    return reject_oversized({source, -1, p - begin, line}, {p, len}, rejects);
  }
  // Parse in place when the text after the line can serve as simdjson's padding (it only has
  // to be readable; stage 1 never looks past `len`). Only the last line or so of the buffer is
  // copied.
  const size_t readable = static_cast<size_t>(end - p);
  bool ok = false;
  if (readable - len >= simdjson::SIMDJSON_PADDING) {
    ok = decode_record(p, len, readable, batch);
  } else {
    const char* buf = padded_copy({p, len});
    ok = decode_record(buf, len, padded_.size(), batch);
  }
  if (!ok) return reject({source, -1, p - begin, line}, {p, len}, rejects);
  return Status::OK();
}

Status JsonDecoder::Impl::decode_lines_direct(const char** at, const char* begin, const char* end,
                                              int64_t* line, std::string_view source,
                                              RecordBatch& batch,
                                              std::vector<RejectedRecord>* rejects, bool* reserved,
                                              int64_t rows_before) {
  const std::vector<ColumnPtr>& columns = batch.columns();
  const char* p = *at;
  size_t lines = 0;
  size_t deferred = 0;
  while (p < end) {
    // UTF-8 is checked over blocks of whole lines (simdjson's validator, as fast as stage 1);
    // in a block that fails, line by line.
    const char* block_end = end;
    if (static_cast<size_t>(end - p) > kUtf8Block) {
      const char* nl = static_cast<const char*>(
          std::memchr(p + kUtf8Block, '\n', static_cast<size_t>(end - p - kUtf8Block)));
      if (nl != nullptr) block_end = nl + 1;
    }
    const bool block_utf8 = simdjson::validate_utf8(p, static_cast<size_t>(block_end - p));
    while (p < block_end) {
      const char* first = p;
      while (first < block_end && (*first == ' ' || *first == '\t' || *first == '\r')) ++first;
      if (first == block_end || *first == '\n') {  // blank: skipped but counted
        ++*line;
        p = first == block_end ? block_end : first + 1;
        continue;
      }
      const int64_t rows = batch.num_rows();
      const char* nl = nullptr;
      if (block_utf8) {
        nl = direct_.decode_line(first, block_end, columns);
      } else {
        const char* line_end = static_cast<const char*>(
            std::memchr(first, '\n', static_cast<size_t>(block_end - first)));
        if (line_end == nullptr) line_end = block_end;
        if (simdjson::validate_utf8(first, static_cast<size_t>(line_end - first))) {
          nl = direct_.decode_line(first, line_end, columns);
        }
      }
      if (nl != nullptr && nl - first > options_.max_record_bytes) {
        // Decoded, but over the limit: taken back, and decode_line rejects it.
        for (const ColumnPtr& column : columns) column->truncate(rows);
        nl = nullptr;
      }
      if (nl == nullptr) {
        for (const ColumnPtr& column : columns) column->truncate(rows);
        ++deferred;
        nl = static_cast<const char*>(
            std::memchr(first, '\n', static_cast<size_t>(block_end - first)));
        if (nl == nullptr) nl = block_end;
        LS_RETURN_NOT_OK(decode_line(p, nl, begin, end, *line, source, batch, rejects));
      }
      ++*line;
      ++lines;
      p = nl < block_end ? nl + 1 : block_end;
      if (!*reserved && batch.num_rows() - rows_before >= static_cast<int64_t>(kReserveAfter)) {
        *reserved = true;
        DirectScanner::close(columns);
        reserve_ahead(batch, rows_before, batch.num_rows(), static_cast<size_t>(p - begin),
                      static_cast<size_t>(end - begin));
      }
      if (lines >= kDirectProbe && deferred * 2 > lines) {
        DirectScanner::close(columns);
        *at = p;  // mostly shapes the direct path leaves alone: stage-1 runs do better
        return Status::OK();
      }
    }
  }
  DirectScanner::close(columns);
  *at = p;
  return Status::OK();
}

Status JsonDecoder::Impl::decode_ndjson(std::string_view text, std::string_view source,
                                        RecordBatch* batch, std::vector<RejectedRecord>* rejects,
                                        int64_t first_line) {
  LS_RETURN_NOT_OK(check_target(batch, rejects));
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  const char* p = begin;
  int64_t line = first_line;
  const int64_t rows_before = batch->num_rows();
  bool reserved = false;
  if (use_direct_) {
    LS_RETURN_NOT_OK(decode_lines_direct(&p, begin, end, &line, source, *batch, rejects, &reserved,
                                         rows_before));
  }
  size_t chunk = kFirstStreamChunk;
  while (p < end) {
    // Runs of lines go through stage 1 together; the line-by-line code below decodes only
    // what a run could not vouch for (bad lines, a run's last line, the buffer's tail).
    if (static_cast<size_t>(end - p) > chunk + simdjson::SIMDJSON_PADDING) {
      const char* cut = p + chunk;
      const char* nl =
          static_cast<const char*>(std::memchr(cut, '\n', static_cast<size_t>(end - cut)));
      if (nl != nullptr && static_cast<size_t>(end - (nl + 1)) >= simdjson::SIMDJSON_PADDING) {
        const char* const stop = decode_stream_chunk(p, nl + 1, &line, *batch);
        const size_t done = static_cast<size_t>(stop - p);
        // Grow after a clean run; after an early stop, start again near the clean length so
        // input with frequent bad lines does not redo stage 1 over big chunks.
        chunk = stop == nl + 1 ? std::min(chunk * 2, kMaxStreamChunk)
                               : std::clamp(done * 2, kMinStreamChunk, kMaxStreamChunk);
        p = stop;
        if (!reserved && batch->num_rows() - rows_before >= static_cast<int64_t>(kReserveAfter)) {
          reserved = true;
          reserve_ahead(*batch, rows_before, batch->num_rows(), static_cast<size_t>(p - begin),
                        text.size());
        }
        if (p >= end) break;
      }
    }
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* const next = nl != nullptr ? nl + 1 : end;
    if (!is_blank(p, static_cast<size_t>((nl != nullptr ? nl : end) - p))) {
      LS_RETURN_NOT_OK(
          decode_line(p, nl != nullptr ? nl : end, begin, end, line, source, *batch, rejects));
      if (!reserved && batch->num_rows() - rows_before >= static_cast<int64_t>(kReserveAfter)) {
        reserved = true;
        reserve_ahead(*batch, rows_before, batch->num_rows(), static_cast<size_t>(next - begin),
                      text.size());
      }
    }
    ++line;
    p = next;
  }
  return Status::OK();
}

const char* JsonDecoder::Impl::decode_stream_chunk(const char* begin, const char* end,
                                                   int64_t* line, RecordBatch& batch) {
  // Why the result equals line-by-line decoding: a line is accepted only when its document
  // starts at the line's first non-blank byte (a '{') and the next structural character after
  // the object lies beyond the line's '\n', i.e. the line holds the object and whitespace only.
  // Stage 1 is a forward scan, so by induction every accepted line began outside any string,
  // exactly as when parsed alone. Any doubt (including a stage-1 error such as invalid UTF-8
  // anywhere in the chunk) hands the line to the line-by-line path, which has the final word.
  parser_.threaded = false;  // one batch per chunk: no helper thread to start
  od::document_stream stream;
  const size_t len = static_cast<size_t>(end - begin);
  if (parser_.iterate_many(begin, len, std::max(len, simdjson::dom::MINIMAL_BATCH_SIZE))
          .get(stream)) {
    return begin;
  }
  const std::vector<ColumnPtr>& columns = batch.columns();
  const char* p = begin;
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    // The next non-blank line.
    const char* nl = nullptr;
    const char* first = nullptr;
    while (p < end) {
      nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      first = p;
      while (first < nl && (*first == ' ' || *first == '\t' || *first == '\r')) ++first;
      if (first < nl) break;
      ++*line;  // blank: skipped but counted
      p = nl + 1;
    }
    if (p >= end) return p;
    auto doc = *it;
    const char* at = nullptr;
    if (doc.current_location().get(at) || at != first || *first != '{') return p;
    failure_path_.clear();
    failure_what_.clear();
    od::object object;
    if (doc.get_object().get(object)) return p;
    const int64_t rows = batch.num_rows();
    if (rescue_) begin_rescue(end);
    const Outcome outcome = decode_fields(object, *root_, columns, 1);
    if (rescue_ && outcome == Outcome::kOk) finish_rescue(columns);
    const char* after = nullptr;
    // OUT_OF_BOUNDS: the chunk's last record, where stage 1's end-of-stream trimming could
    // hide trailing bytes; the line path decides it. `after` is the next document's start;
    // only whitespace lies between it and this object's closing brace, which must be on this
    // line too (a pretty-printed object spans lines, and each of them is a bad record alone).
    bool whole_line = outcome == Outcome::kOk && !doc.current_location().get(after) && after > nl;
    if (whole_line) {
      const char* close = after;
      while (close > first &&
             (close[-1] == ' ' || close[-1] == '\t' || close[-1] == '\r' || close[-1] == '\n')) {
        --close;
      }
      whole_line = close <= nl;
    }
    if (!whole_line) {
      for (const ColumnPtr& column : columns) column->truncate(rows);
      return p;
    }
    ++*line;
    p = nl + 1;
  }
  return p;
}

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

bool JsonDecoder::Impl::decode_record(const char* buf, size_t len, size_t capacity,
                                      RecordBatch& batch) {
  const int64_t rows = batch.num_rows();
  const Outcome outcome = parse_record(buf, len, capacity, batch.columns());
  if (outcome == Outcome::kOk) return true;
  // Every column back to its length before the record, so the batch stays rectangular.
  for (const ColumnPtr& column : batch.columns()) column->truncate(rows);
  return false;
}

Status JsonDecoder::Impl::reject_oversized(const PositionRef& where, std::string_view raw,
                                           std::vector<RejectedRecord>* rejects) {
  // Its first MiB is kept with the reason and its position (the source still holds it all):
  // copying the whole of it into the dead-letter table is what the limit is there to avoid.
  constexpr size_t kKept = 1 << 20;
  std::string why = "the record is " + std::to_string(raw.size()) + " bytes, over the limit of " +
                    std::to_string(options_.max_record_bytes) + " (max_record_bytes)";
  if (raw.size() > kKept) why += "; its first " + std::to_string(kKept) + " bytes are kept";
  bad_record(std::move(why));
  return reject(where, raw.substr(0, kKept), rejects);
}

Status JsonDecoder::Impl::reject(const PositionRef& where, std::string_view raw,
                                 std::vector<RejectedRecord>* rejects) {
  RejectedRecord r;
  r.reason = failure_path_.empty() ? failure_what_ : failure_path_ + ": " + failure_what_;
  r.field = failure_path_;
  r.position = {std::string(where.source), where.partition, where.offset, where.line};
  if (options_.mode == DecodeMode::kFailFast) {
    return Status::InvalidArgument("record at " + r.position.to_string() +
                                   " rejected (fail-fast): " + r.reason);
  }
  r.raw.assign(raw);
  rejects->push_back(std::move(r));
  return Status::OK();
}

// ---- one record -----------------------------------------------------------------------------

Outcome JsonDecoder::Impl::parse_record(const char* buf, size_t len, size_t capacity,
                                        const std::vector<ColumnPtr>& columns) {
  failure_path_.clear();
  failure_what_.clear();
  od::document doc;
  if (auto error = parser_.iterate(buf, len, capacity).get(doc)) return malformed(error);
  od::object object;
  if (auto error = doc.get_object().get(object)) {
    if (error == simdjson::INCORRECT_TYPE) return bad_record("the record is not a JSON object");
    return malformed(error);
  }
  if (rescue_) begin_rescue(buf + len);
  Outcome outcome = decode_fields(object, *root_, columns, 1);
  if (outcome != Outcome::kOk) return outcome;
  // Anything left after the object ("{...} {...}", "{...} 1") is not one record.
  if (!doc.current_location().error()) return bad_record("trailing content after the JSON object");
  if (rescue_) finish_rescue(columns);
  return Outcome::kOk;
}

size_t JsonDecoder::Impl::find_child(TypePlan& plan, od::field& field, std::string_view* name,
                                     bool* key_error) {
  const size_t n = plan.children.size();
  const od::raw_json_string key = field.key();
  // The raw key runs to its closing quote (stage 1 guarantees one); escapes need unescaping.
  const char* raw = key.raw();
  size_t len = 0;
  bool escaped = false;
  while (raw[len] != '"') {
    if (raw[len] == '\\') {
      escaped = true;
      ++len;
    }
    ++len;
  }
  *name = std::string_view(raw, len);
  if (escaped && field.unescaped_key().get(*name)) {
    *key_error = true;
    return n;
  }
  const auto it = plan.index.find(*name);
  return it == plan.index.end() ? n : it->second;
}

Outcome JsonDecoder::Impl::decode_fields(od::object& object, TypePlan& plan,
                                         const std::vector<ColumnPtr>& columns, int depth) {
  const size_t n = plan.children.size();
  const uint32_t stamp = plan.next_stamp();
  size_t found = 0;
  size_t expected = 0;
  for (auto member : object) {
    od::field field;
    if (auto error = std::move(member).get(field)) return malformed(error);
    bool key_error = false;
    std::string_view key;
    // In-order members (the common case) match with one comparison, without a call.
    const size_t i = expected < n && plan.children[expected].matches_raw(field.key().raw())
                         ? expected
                         : find_child(plan, field, &key, &key_error);
    if (key_error) return bad_record("malformed JSON: invalid escape in a key");
    if (i == n) {  // not in the schema: ignored or rescued, held to the nesting limit either way
      const Outcome outcome = rescue_ ? rescue_member(field.value(), key, depth + 1)
                                      : skip_unknown(field.value(), depth + 1);
      if (outcome != Outcome::kOk) {
        prefix_path(key);
        return outcome;
      }
      continue;
    }
    ChildPlan& child = plan.children[i];
    if (plan.seen[i] == stamp) {
      failure_path_.clear();
      failure_what_ = "appears more than once (duplicate key)";
      prefix_path(child.name);
      return Outcome::kBadRecord;
    }
    plan.seen[i] = stamp;
    ++found;
    expected = i + 1;
    if (rescue_) path_.push_back({PathStep::kMember, child.name});
    const Outcome outcome =
        decode_slot(field.value(), *child.plan, child.nullable, *columns[i], depth + 1);
    if (rescue_) path_.pop_back();
    if (outcome != Outcome::kOk) {
      prefix_path(child.name);
      return outcome;
    }
  }
  if (found != n) {
    for (size_t i = 0; i < n; ++i) {
      if (plan.seen[i] == stamp) continue;
      const ChildPlan& child = plan.children[i];
      if (!child.nullable) {
        failure_path_ = child.name;
        failure_what_ = "is missing and not nullable";
        return Outcome::kBadValue;
      }
      columns[i]->append_null();
    }
  }
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::container_text(od::value& value, od::json_type type,
                                          std::string_view* raw) {
  if (type == od::json_type::object) {
    od::object object;
    if (auto error = value.get_object().get(object)) return malformed(error);
    if (auto error = object.raw_json().get(*raw)) return malformed(error);
  } else {
    od::array array;
    if (auto error = value.get_array().get(array)) return malformed(error);
    if (auto error = array.raw_json().get(*raw)) return malformed(error);
  }
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::skip_unknown(od::value value, int depth) {
  od::json_type type;
  if (auto error = value.type().get(type)) return malformed(error);
  // Scalars are left alone: on-demand skips them when the object moves on.
  if (type != od::json_type::object && type != od::json_type::array) return Outcome::kOk;
  std::string_view raw;
  if (Outcome o = container_text(value, type, &raw); o != Outcome::kOk) return o;
  if (depth - 1 + json_internal::json_nesting_depth(raw) > options_.max_depth) return too_deep();
  return Outcome::kOk;
}

// ---- the rescued-data column ----------------------------------------------------------------

void JsonDecoder::Impl::begin_rescue(const char* end) {
  rescued_.clear();
  path_.clear();
  record_end_ = end;
}

void JsonDecoder::Impl::finish_rescue(const std::vector<ColumnPtr>& columns) {
  Column& column = *columns.back();
  if (rescued_.empty()) {
    column.append_null();
    return;
  }
  rescued_.push_back('}');
  column.append_string(rescued_);
}

void JsonDecoder::Impl::add_rescued(const std::string_view* leaf, std::string_view text) {
  // The path as reject reasons write it: Device.Extra, Readings[2].Extra, Labels[site].Extra.
  rescued_path_.clear();
  const auto member = [this](std::string_view name) {
    if (!rescued_path_.empty()) rescued_path_.push_back('.');
    rescued_path_.append(name);
  };
  for (const PathStep& step : path_) {
    if (step.kind == PathStep::kMember) {
      member(step.name);
    } else {
      rescued_path_.push_back('[');
      if (step.kind == PathStep::kMapValue) {
        rescued_path_.append(step.name);
      } else {
        char digits[24];
        const auto r = std::to_chars(digits, digits + sizeof digits, step.index);
        rescued_path_.append(digits, r.ptr);
      }
      rescued_path_.push_back(']');
    }
  }
  if (leaf != nullptr) member(*leaf);
  rescued_.push_back(rescued_.empty() ? '{' : ',');
  append_json_string(rescued_, rescued_path_);
  rescued_.push_back(':');
  rescued_.append(text);
}

Outcome JsonDecoder::Impl::rescue_member(od::value value, std::string_view key, int depth) {
  od::json_type type;
  if (auto error = value.type().get(type)) return malformed(error);
  std::string_view raw;
  if (type == od::json_type::object || type == od::json_type::array) {
    if (Outcome o = container_text(value, type, &raw); o != Outcome::kOk) return o;
  } else {
    raw = value.raw_json_token();
  }
  raw = json_internal::trim_json_ws(raw);
  if ((type == od::json_type::object || type == od::json_type::array) &&
      depth - 1 + json_internal::json_nesting_depth(raw) > options_.max_depth) {
    return too_deep();
  }
  // On-demand skips what it is not asked about without checking it; what the column keeps must
  // read back as JSON, so it is held to the grammar here.
  if (json_internal::json_value_length(raw, &json_stack_) != raw.size()) {
    return malformed_token(raw);
  }
  add_rescued(&key, raw);
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::decode_slot_rescuing(od::value& value, TypePlan& plan, bool nullable,
                                                Column& column, int depth) {
  const char* const start = value.raw_json_token().data();
  const size_t rescued_before = rescued_.size();
  const int64_t before = column.length();
  const Outcome outcome = decode_value(value, plan, nullable, column, depth);
  if (outcome != Outcome::kBadValue || !nullable) return outcome;
  // As decode_slot in permissive mode, and the value made null is kept whole under its path
  // (what was rescued inside it so far is part of that text).
  column.truncate(before);
  column.append_null();
  failure_path_.clear();
  failure_what_.clear();
  rescued_.resize(rescued_before);
  const std::string_view rest(start, static_cast<size_t>(record_end_ - start));
  const size_t length = json_internal::json_value_length(rest, &json_stack_);
  if (length == 0) return malformed_token(rest.substr(0, rest.find_first_of(",}]")));
  const std::string_view text = rest.substr(0, length);
  if (depth - 1 + json_internal::json_nesting_depth(text) > options_.max_depth) return too_deep();
  add_rescued(nullptr, text);
  return Outcome::kOk;
}

// ---- values ---------------------------------------------------------------------------------

Outcome JsonDecoder::Impl::decode_slot(od::value value, TypePlan& plan, bool nullable,
                                       Column& column, int depth) {
  if (rescue_nulls_) [[unlikely]] {
    return decode_slot_rescuing(value, plan, nullable, column, depth);
  }
  const int64_t before = column.length();
  const Outcome outcome = decode_value(value, plan, nullable, column, depth);
  if (outcome == Outcome::kBadValue && nullable && options_.mode == DecodeMode::kPermissive) {
    // Spark's PERMISSIVE: the nearest nullable enclosing value becomes null, the record stays.
    column.truncate(before);
    column.append_null();
    failure_path_.clear();
    failure_what_.clear();
    return Outcome::kOk;
  }
  return outcome;
}

Outcome JsonDecoder::Impl::decode_value(od::value& value, TypePlan& plan, bool nullable,
                                        Column& column, int depth) {
  od::json_type type;
  if (auto error = value.type().get(type)) return malformed(error);
  value_depth_ = depth;
  if (type == od::json_type::null) {
    bool is_null = false;
    if (value.is_null().get(is_null) || !is_null) return malformed_token(value.raw_json_token());
    if (!nullable) return bad_value("is null and not nullable");
    column.append_null();
    return Outcome::kOk;
  }
  switch (plan.id) {
    case TypeId::kString:
      return decode_string(value, type, column, depth);
    case TypeId::kBoolean:
      return decode_boolean(value, type, plan, column);
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong:
      return decode_integer(value, type, plan, column);
    case TypeId::kFloat:
    case TypeId::kDouble:
      return decode_floating(value, type, plan, column);
    case TypeId::kDecimal:
      return decode_decimal(value, type, plan, column);
    case TypeId::kDate:
      return decode_date(value, type, plan, column);
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return decode_timestamp(value, type, plan, column);
    case TypeId::kBinary:
      return decode_binary(value, type, plan, column);
    case TypeId::kStruct:
      return decode_struct(value, type, plan, column, depth);
    case TypeId::kArray:
      return decode_array(value, type, plan, column, depth);
    case TypeId::kMap:
      return decode_map(value, type, plan, column, depth);
    case TypeId::kNull:
      return bad_value("is not null, and the field has type void");
  }
  return bad_record("internal: no decoder for " + plan.type->simple_string());
}

Outcome JsonDecoder::Impl::decode_string(od::value& value, od::json_type type, Column& column,
                                         int depth) {
  switch (type) {
    case od::json_type::string: {
      std::string_view s;
      if (auto error = read_string(value, &s)) return malformed(error);
      column.append_string(s);
      return Outcome::kOk;
    }
    case od::json_type::number: {
      // As Spark does: a string field given another JSON value keeps that value's JSON text.
      const std::string_view token = json_internal::trim_json_ws(value.raw_json_token());
      if (!json_internal::is_json_number(token)) return malformed_token(token);
      column.append_string(token);
      return Outcome::kOk;
    }
    case od::json_type::boolean: {
      bool b = false;
      if (value.get_bool().get(b)) return malformed_token(value.raw_json_token());
      column.append_string(b ? "true" : "false");
      return Outcome::kOk;
    }
    case od::json_type::object:
    case od::json_type::array: {
      std::string_view raw;
      if (type == od::json_type::object) {
        od::object object;
        if (auto error = value.get_object().get(object)) return malformed(error);
        if (auto error = object.raw_json().get(raw)) return malformed(error);
      } else {
        od::array array;
        if (auto error = value.get_array().get(array)) return malformed(error);
        if (auto error = array.raw_json().get(raw)) return malformed(error);
      }
      raw = json_internal::trim_json_ws(raw);
      if (depth - 1 + json_internal::json_nesting_depth(raw) > options_.max_depth) {
        return too_deep();
      }
      column.append_string(raw);
      return Outcome::kOk;
    }
    case od::json_type::null:
      break;
  }
  return bad_record("internal: unexpected null");
}

Outcome JsonDecoder::Impl::decode_boolean(od::value& value, od::json_type type, TypePlan& plan,
                                          Column& column) {
  if (type != od::json_type::boolean) return mismatch(value, type, plan);
  bool b = false;
  if (value.get_bool().get(b)) return malformed_token(value.raw_json_token());
  column.append_bool(b);
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::decode_integer(od::value& value, od::json_type type, TypePlan& plan,
                                          Column& column) {
  if (type != od::json_type::number) return mismatch(value, type, plan);
  int64_t v = 0;
  if (value.get_int64().get(v)) {
    // simdjson says only "not an int64": tell a fraction from an overflow from garbage.
    const std::string_view token = json_internal::trim_json_ws(value.raw_json_token());
    if (!json_internal::is_json_number(token)) return malformed_token(token);
    if (json_internal::has_fraction_or_exponent(token)) {
      return bad_value(number_text(token) + " is not an integer, expected " +
                       plan.type->simple_string());
    }
    return bad_value(number_text(token) + " is out of range for " + plan.type->simple_string());
  }
  int64_t lo = std::numeric_limits<int64_t>::min();
  int64_t hi = std::numeric_limits<int64_t>::max();
  switch (plan.id) {
    case TypeId::kByte:
      lo = INT8_MIN;
      hi = INT8_MAX;
      break;
    case TypeId::kShort:
      lo = INT16_MIN;
      hi = INT16_MAX;
      break;
    case TypeId::kInt:
      lo = INT32_MIN;
      hi = INT32_MAX;
      break;
    default:
      break;
  }
  if (v < lo || v > hi) {
    return bad_value(std::to_string(v) + " is out of range for " + plan.type->simple_string());
  }
  switch (plan.id) {
    case TypeId::kByte:
      column.append(static_cast<int8_t>(v));
      break;
    case TypeId::kShort:
      column.append(static_cast<int16_t>(v));
      break;
    case TypeId::kInt:
      column.append(static_cast<int32_t>(v));
      break;
    default:
      column.append(v);
      break;
  }
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::decode_floating(od::value& value, od::json_type type, TypePlan& plan,
                                           Column& column) {
  double d = 0;
  if (type == od::json_type::number) {
    if (value.get_double().get(d)) {
      const std::string_view token = json_internal::trim_json_ws(value.raw_json_token());
      if (!json_internal::is_json_number(token)) return malformed_token(token);
      return bad_value(number_text(token) + " is out of range for " + plan.type->simple_string());
    }
    if (plan.id == TypeId::kFloat && std::fabs(d) > FLT_MAX) {
      return bad_value(number_text(json_internal::trim_json_ws(value.raw_json_token())) +
                       " is out of range for float");
    }
  } else if (type == od::json_type::string) {
    // JSON has no literal for them, so NaN and the infinities travel as strings (as Spark's
    // allowNonNumericNumbers reads them).
    std::string_view s;
    if (auto error = value.get_string().get(s)) return malformed(error);
    if (s == "NaN") {
      d = std::numeric_limits<double>::quiet_NaN();
    } else if (s == "Infinity" || s == "+Infinity") {
      d = std::numeric_limits<double>::infinity();
    } else if (s == "-Infinity") {
      d = -std::numeric_limits<double>::infinity();
    } else {
      return bad_value(json_internal::quote_value(s) + " is not a valid " +
                       plan.type->simple_string());
    }
  } else {
    return mismatch(value, type, plan);
  }
  if (plan.id == TypeId::kFloat) {
    column.append(static_cast<float>(d));
  } else {
    column.append(d);
  }
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::decode_decimal(od::value& value, od::json_type type, TypePlan& plan,
                                          Column& column) {
  // Exact: from the number's own text (or a string), never through double.
  std::string_view text;
  bool quoted = false;
  if (type == od::json_type::number) {
    text = json_internal::trim_json_ws(value.raw_json_token());
    // Plain integers (the usual case) skip the grammar check and the general parser: k
    // significant digits fit decimal(p,s) when k + s <= p.
    int64_t v = 0;
    int digits = 0;
    if (json_internal::plain_integer(text, &v, &digits) && digits + plan.scale <= plan.precision) {
      column.append_decimal(static_cast<int128_t>(v) * pow10_i128(plan.scale));
      return Outcome::kOk;
    }
    if (!json_internal::is_json_number(text)) return malformed_token(text);
  } else if (type == od::json_type::string) {
    if (auto error = read_string(value, &text)) return malformed(error);
    quoted = true;
  } else {
    return mismatch(value, type, plan);
  }
  DecimalParseError why = DecimalParseError::kNone;
  const auto unscaled = parse_decimal(text, plan.precision, plan.scale, &why);
  if (unscaled) {
    column.append_decimal(*unscaled);
    return Outcome::kOk;
  }
  const std::string shown = quoted ? json_internal::quote_value(text) : number_text(text);
  const std::string type_name = plan.type->simple_string();
  switch (why) {
    case DecimalParseError::kOverflow:
      return bad_value(shown + " does not fit " + type_name);
    case DecimalParseError::kTooManyFractionDigits:
      return bad_value(shown + " has more fraction digits than " + type_name + " holds");
    default:
      return bad_value(shown + " is not a valid " + type_name);
  }
}

Outcome JsonDecoder::Impl::decode_timestamp(od::value& value, od::json_type type, TypePlan& plan,
                                            Column& column) {
  if (type == od::json_type::string) {
    std::string_view s;
    if (auto error = read_string(value, &s)) return malformed(error);
    const auto micros = parse_timestamp_micros(s);
    if (!micros) {
      return bad_value(json_internal::quote_value(s) + " is not a valid " +
                       plan.type->simple_string());
    }
    column.append(*micros);
    return Outcome::kOk;
  }
  if (type == od::json_type::number) {
    // Spark reads a JSON integer as seconds since the epoch.
    constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / kMicrosPerSecond;
    int64_t seconds = 0;
    const bool whole = !value.get_int64().get(seconds);
    if (!whole || seconds > kMaxSeconds || seconds < -kMaxSeconds) {
      const std::string_view token = json_internal::trim_json_ws(value.raw_json_token());
      if (!json_internal::is_json_number(token)) return malformed_token(token);
      return bad_value(number_text(token) + " is not a valid " + plan.type->simple_string() +
                       " (a number must be whole seconds since 1970-01-01T00:00:00Z)");
    }
    column.append(seconds * kMicrosPerSecond);
    return Outcome::kOk;
  }
  return mismatch(value, type, plan);
}

Outcome JsonDecoder::Impl::decode_date(od::value& value, od::json_type type, TypePlan& plan,
                                       Column& column) {
  if (type != od::json_type::string) return mismatch(value, type, plan);
  std::string_view s;
  if (auto error = read_string(value, &s)) return malformed(error);
  const auto days = parse_date_days(s);
  if (!days) return bad_value(json_internal::quote_value(s) + " is not a valid date (yyyy-MM-dd)");
  column.append(*days);
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::decode_binary(od::value& value, od::json_type type, TypePlan& plan,
                                         Column& column) {
  if (type != od::json_type::string) return mismatch(value, type, plan);
  std::string_view s;
  if (auto error = value.get_string().get(s)) return malformed(error);
  if (!json_internal::decode_base64(s, &binary_)) {
    return bad_value(json_internal::quote_value(s) + " is not valid base64 for binary");
  }
  column.append_string(binary_);
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::decode_struct(od::value& value, od::json_type type, TypePlan& plan,
                                         Column& column, int depth) {
  if (type != od::json_type::object) return mismatch(value, type, plan);
  if (depth > options_.max_depth) return too_deep();
  od::object object;
  if (auto error = value.get_object().get(object)) return malformed(error);
  column.append_struct_valid();
  return decode_fields(object, plan, column.children(), depth);
}

Outcome JsonDecoder::Impl::decode_array(od::value& value, od::json_type type, TypePlan& plan,
                                        Column& column, int depth) {
  if (type != od::json_type::array) return mismatch(value, type, plan);
  if (depth > options_.max_depth) return too_deep();
  od::array array;
  if (auto error = value.get_array().get(array)) return malformed(error);
  Column& elements = column.mutable_child(0);
  // A failed array has no row of its own yet, so truncating the array column would not reach
  // the elements appended so far: undo them here.
  const int64_t elements_before = elements.length();
  size_t index = 0;
  for (auto element : array) {
    od::value v;
    if (auto error = std::move(element).get(v)) {
      elements.truncate(elements_before);
      return malformed(error);
    }
    if (rescue_) path_.push_back({PathStep::kElement, {}, index});
    const Outcome outcome =
        decode_slot(v, *plan.element, plan.element_nullable, elements, depth + 1);
    if (rescue_) path_.pop_back();
    if (outcome != Outcome::kOk) {
      elements.truncate(elements_before);
      prefix_path("[" + std::to_string(index) + "]");
      return outcome;
    }
    ++index;
  }
  column.append_list_end();
  return Outcome::kOk;
}

Outcome JsonDecoder::Impl::decode_map(od::value& value, od::json_type type, TypePlan& plan,
                                      Column& column, int depth) {
  if (type != od::json_type::object) return mismatch(value, type, plan);
  if (depth > options_.max_depth) return too_deep();
  od::object object;
  if (auto error = value.get_object().get(object)) return malformed(error);
  Column& keys = column.mutable_child(0);
  Column& values = column.mutable_child(1);
  const int64_t entries_before = keys.length();  // undone on failure, as in decode_array
  const auto undo = [&] {
    keys.truncate(entries_before);
    values.truncate(entries_before);
  };
  for (auto member : object) {
    od::field field;
    std::string_view key;
    if (auto error = std::move(member).get(field)) {
      undo();
      return malformed(error);
    }
    if (auto error = field.unescaped_key().get(key)) {
      undo();
      return malformed(error);
    }
    keys.append_string(key);
    if (rescue_) path_.push_back({PathStep::kMapValue, key});
    const Outcome outcome =
        decode_slot(field.value(), *plan.element, plan.element_nullable, values, depth + 1);
    if (rescue_) path_.pop_back();
    if (outcome != Outcome::kOk) {
      undo();
      prefix_path("[" + std::string(key) + "]");
      return outcome;
    }
  }
  column.append_list_end();
  return Outcome::kOk;
}

// ---- failures -------------------------------------------------------------------------------

Outcome JsonDecoder::Impl::bad_value(std::string what) {
  failure_path_.clear();
  failure_what_ = std::move(what);
  return Outcome::kBadValue;
}

Outcome JsonDecoder::Impl::bad_record(std::string what) {
  failure_path_.clear();
  failure_what_ = std::move(what);
  return Outcome::kBadRecord;
}

Outcome JsonDecoder::Impl::malformed(simdjson::error_code error) {
  return bad_record(std::string("malformed JSON: ") + simdjson::error_message(error));
}

Outcome JsonDecoder::Impl::malformed_token(std::string_view token) {
  return bad_record("malformed JSON: invalid value " +
                    json_internal::quote_value(json_internal::trim_json_ws(token)));
}

Outcome JsonDecoder::Impl::mismatch(od::value& value, od::json_type got, const TypePlan& plan) {
  if (got == od::json_type::boolean) {
    bool b = false;
    if (value.get_bool().get(b)) return malformed_token(value.raw_json_token());
  } else if (got == od::json_type::number) {
    const std::string_view token = json_internal::trim_json_ws(value.raw_json_token());
    if (!json_internal::is_json_number(token)) return malformed_token(token);
  } else if (got == od::json_type::object || got == od::json_type::array) {
    const Outcome outcome = skip_unknown(value, value_depth_);
    if (outcome != Outcome::kOk) return outcome;
  }
  return bad_value(std::string("expected ") + plan.type->simple_string() + ", got " +
                   json_kind(got));
}

Outcome JsonDecoder::Impl::too_deep() {
  return bad_record("nesting deeper than " + std::to_string(options_.max_depth) + " levels");
}

void JsonDecoder::Impl::prefix_path(std::string_view component) {
  // Built while unwinding, so a successful record never pays for paths: "Readings" then
  // "[2]" then "Value" unwind into "Readings[2].Value".
  if (failure_path_.empty()) {
    failure_path_.assign(component);
  } else if (failure_path_.front() == '[') {
    failure_path_.insert(0, component);
  } else {
    failure_path_.insert(0, ".");
    failure_path_.insert(0, component);
  }
}

// ---- public API -----------------------------------------------------------------------------

std::optional<DecodeMode> parse_decode_mode(std::string_view text) {
  if (text == "dead-letter") return DecodeMode::kDeadLetter;
  if (text == "permissive") return DecodeMode::kPermissive;
  if (text == "fail-fast") return DecodeMode::kFailFast;
  return std::nullopt;
}

std::string_view decode_mode_name(DecodeMode mode) {
  switch (mode) {
    case DecodeMode::kDeadLetter:
      return "dead-letter";
    case DecodeMode::kPermissive:
      return "permissive";
    case DecodeMode::kFailFast:
      return "fail-fast";
  }
  return "unknown";
}

Result<JsonDecoder> JsonDecoder::make(Schema schema, JsonDecodeOptions options) {
  if (options.max_record_bytes < 1) {
    return Status::InvalidArgument("JsonDecodeOptions.max_record_bytes must be positive, got " +
                                   std::to_string(options.max_record_bytes));
  }
  if (options.max_depth < 1 || options.max_depth > kMaxDepthLimit) {
    return Status::InvalidArgument("JSON max nesting depth must be within 1.." +
                                   std::to_string(kMaxDepthLimit) + ", got " +
                                   std::to_string(options.max_depth));
  }
  Schema output = schema;
  if (!options.rescued_data_column.empty()) {
    // Delta compares column names ignoring case: a clash in case only would break the table.
    const std::string wanted = to_lower_ascii(options.rescued_data_column);
    for (const Field& field : schema.fields()) {
      if (to_lower_ascii(field.name) == wanted) {
        return Status::InvalidArgument("the rescued-data column '" + options.rescued_data_column +
                                       "' clashes with the schema's column '" + field.name + "'");
      }
    }
    output.add(options.rescued_data_column, DataType::string(), true);
  }
  LS_ASSIGN_OR_RAISE(auto plan, json_internal::build_plan(schema));
  // LAKESTREAM_JSON_DIRECT=0 turns the direct path off: every record then takes the simdjson
  // on-demand path (tests compare the two; also a way to rule the direct path out).
  const char* direct_env = std::getenv("LAKESTREAM_JSON_DIRECT");
  const bool direct = direct_env == nullptr || std::string_view(direct_env) != "0";
  return JsonDecoder(std::make_unique<Impl>(std::move(schema), std::move(output),
                                            std::move(options), std::move(plan), direct));
}

JsonDecoder::JsonDecoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonDecoder::JsonDecoder(JsonDecoder&&) noexcept = default;
JsonDecoder& JsonDecoder::operator=(JsonDecoder&&) noexcept = default;
JsonDecoder::~JsonDecoder() = default;

const Schema& JsonDecoder::input_schema() const { return impl_->schema_; }
const Schema& JsonDecoder::output_schema() const { return impl_->output_; }
const JsonDecodeOptions& JsonDecoder::options() const { return impl_->options_; }

Status JsonDecoder::decode_events(std::span<const JsonEvent> events, std::string_view source,
                                  RecordBatch* batch, std::vector<RejectedRecord>* rejects) {
  return impl_->decode_events(events, source, batch, rejects);
}

Status JsonDecoder::decode_ndjson(std::string_view text, std::string_view source,
                                  RecordBatch* batch, std::vector<RejectedRecord>* rejects,
                                  int64_t first_line) {
  return impl_->decode_ndjson(text, source, batch, rejects, first_line);
}

}  // namespace lakestream
