// The schema-driven decoder (json/decoder_impl.h says how its files divide the work). One pass per
// record with simdjson on-demand: the object's members are visited in document order, each key
// matched against the plan (usually one comparison, since producers write fields in schema order),
// and each value parsed straight into its column. Nothing is allocated per value; reject reasons
// are built only when something fails.
#include "lakestream/json/json_decoder.h"

#include <algorithm>
#include <cstring>

#include "json/decoder_impl.h"
#include "json/json_text.h"
#include "lakestream/common/strings.h"

namespace lakestream {

namespace {

constexpr int kMaxDepthLimit = 100'000;
/// Records decoded in a call before its columns are sized for the whole input.
constexpr size_t kReserveAfter = 64;
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

}  // namespace

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

bool JsonDecoder::Impl::decode_record(const char* buf, size_t len, size_t capacity,
                                      RecordBatch& batch) {
  const int64_t rows = batch.num_rows();
  const Outcome outcome = parse_record(buf, len, capacity, batch.columns());
  if (outcome == Outcome::kOk) return true;
  // Every column back to its length before the record, so the batch stays rectangular.
  for (const ColumnPtr& column : batch.columns()) column->truncate(rows);
  return false;
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
