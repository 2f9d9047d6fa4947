// The schema-driven decoder's front: argument checks and the choice of kernel. The decoding
// itself (simdjson on-demand, one pass per record, straight into the columns) is in
// json_decoder_kernel.inc, built once for the baseline and, on x86-64 with GCC, once for
// haswell; which one a decoder uses is decided here, once per process, from the CPU.
#include "lakestream/json/json_decoder.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "json/decode_plan.h"
#include "json/decoder_kernel.h"

namespace lakestream {

namespace {

constexpr int kMaxDepthLimit = 100'000;

/// True when the CPU (and the OS, for the AVX state) runs the haswell kernel's instructions.
bool cpu_runs_haswell_kernel() {
#if defined(LAKESTREAM_JSON_HASWELL_KERNEL)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
         __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("pclmul") &&
         __builtin_cpu_supports("lzcnt");
#else
  return false;
#endif
}

/// True when the haswell kernel is to be used: built, runnable here, and not turned off by
/// LAKESTREAM_SIMD=generic.
bool use_haswell_kernel() {
  static const bool use = [] {
    const char* forced = std::getenv("LAKESTREAM_SIMD");
    if (forced != nullptr && std::strcmp(forced, "generic") == 0) return false;
    return cpu_runs_haswell_kernel();
  }();
  return use;
}

std::unique_ptr<json_internal::DecoderKernel> make_kernel(
    const JsonDecodeOptions& options, std::unique_ptr<json_internal::TypePlan> plan) {
#if defined(LAKESTREAM_JSON_HASWELL_KERNEL)
  if (use_haswell_kernel()) return json_internal::json_haswell::make_kernel(options, std::move(plan));
#endif
  return json_internal::json_generic::make_kernel(options, std::move(plan));
}

}  // namespace

namespace json_internal {

const char* selected_kernel_name() {
#if defined(LAKESTREAM_JSON_HASWELL_KERNEL)
  if (use_haswell_kernel()) return json_haswell::simdjson_ondemand_name();
#endif
  return json_generic::simdjson_ondemand_name();
}

std::vector<KernelEntry> built_kernels() {
  std::vector<KernelEntry> out;
  out.push_back({json_generic::simdjson_ondemand_name(), &json_generic::make_kernel, true});
#if defined(LAKESTREAM_JSON_HASWELL_KERNEL)
  out.push_back(
      {json_haswell::simdjson_ondemand_name(), &json_haswell::make_kernel, cpu_runs_haswell_kernel()});
#endif
  return out;
}

}  // namespace json_internal

class JsonDecoder::Impl {
 public:
  Impl(Schema schema, JsonDecodeOptions options,
       std::unique_ptr<json_internal::DecoderKernel> kernel)
      : schema_(std::move(schema)), options_(options), kernel_(std::move(kernel)) {}

  Status check_target(const RecordBatch* batch, const std::vector<RejectedRecord>* rejects) const;

  Schema schema_;
  JsonDecodeOptions options_;
  std::unique_ptr<json_internal::DecoderKernel> kernel_;
};

Status JsonDecoder::Impl::check_target(const RecordBatch* batch,
                                       const std::vector<RejectedRecord>* rejects) const {
  if (batch == nullptr) return Status::InvalidArgument("JSON decoding needs a target batch");
  if (rejects == nullptr && options_.mode != DecodeMode::kFailFast) {
    return Status::InvalidArgument("JSON decoding in " +
                                   std::string(decode_mode_name(options_.mode)) +
                                   " mode needs a list for rejected records");
  }
  bool same = batch->num_columns() == schema_.size();
  for (size_t i = 0; same && i < schema_.size(); ++i) {
    same = same_type(batch->column(i)->type(), schema_.field(i).type);
  }
  if (!same) {
    return Status::InvalidArgument(
        "the target batch does not match the decoder's schema (make it with "
        "RecordBatch::make_empty(decoder.schema())): batch " +
        batch->schema().as_struct()->simple_string() + ", decoder " +
        schema_.as_struct()->simple_string());
  }
  return Status::OK();
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
  if (options.max_depth < 1 || options.max_depth > kMaxDepthLimit) {
    return Status::InvalidArgument("JSON max nesting depth must be within 1.." +
                                   std::to_string(kMaxDepthLimit) + ", got " +
                                   std::to_string(options.max_depth));
  }
  LS_ASSIGN_OR_RAISE(auto plan, json_internal::build_plan(schema));
  return JsonDecoder(
      std::make_unique<Impl>(std::move(schema), options, make_kernel(options, std::move(plan))));
}

JsonDecoder::JsonDecoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonDecoder::JsonDecoder(JsonDecoder&&) noexcept = default;
JsonDecoder& JsonDecoder::operator=(JsonDecoder&&) noexcept = default;
JsonDecoder::~JsonDecoder() = default;

const Schema& JsonDecoder::schema() const { return impl_->schema_; }
const JsonDecodeOptions& JsonDecoder::options() const { return impl_->options_; }

Status JsonDecoder::decode_events(std::span<const JsonEvent> events, std::string_view source,
                                  RecordBatch* batch, std::vector<RejectedRecord>* rejects) {
  LS_RETURN_NOT_OK(impl_->check_target(batch, rejects));
  return impl_->kernel_->decode_events(events, source, batch, rejects);
}

Status JsonDecoder::decode_ndjson(std::string_view text, std::string_view source,
                                  RecordBatch* batch, std::vector<RejectedRecord>* rejects,
                                  int64_t first_line) {
  LS_RETURN_NOT_OK(impl_->check_target(batch, rejects));
  return impl_->kernel_->decode_ndjson(text, source, batch, rejects, first_line);
}


}  // namespace lakestream
