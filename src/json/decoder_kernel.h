#pragma once
// json/decoder_kernel: the part of the decoder that runs simdjson's on-demand API, built once
// per instruction set (json_decoder_kernel.inc) and chosen at run time by json_decoder.cc.
// simdjson inlines its on-demand code into the caller for the implementation the caller was
// compiled for, so without a separate AVX2 build of the kernel that code would always be
// simdjson's generic "fallback" on a baseline x86-64 build. Internal to the json module.

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "json/decode_plan.h"
#include "lakestream/batch/record_batch.h"
#include "lakestream/common/status.h"
#include "lakestream/json/json_decoder.h"
#include "lakestream/json/rejected_record.h"

namespace lakestream::json_internal {

/// One decoder's state for one instruction set: the simdjson parser, the plan and scratch.
/// The caller has checked the batch against the schema and the rejects list against the mode.
class DecoderKernel {
 public:
  virtual ~DecoderKernel() = default;
  /// JsonDecoder::decode_events after the argument checks.
  virtual Status decode_events(std::span<const JsonEvent> events, std::string_view source,
                               RecordBatch* batch, std::vector<RejectedRecord>* rejects) = 0;
  /// JsonDecoder::decode_ndjson after the argument checks.
  virtual Status decode_ndjson(std::string_view text, std::string_view source, RecordBatch* batch,
                               std::vector<RejectedRecord>* rejects, int64_t first_line) = 0;
};

// The kernels. Each returns a decoder kernel for `root` and names the simdjson on-demand
// implementation its code was compiled with ("fallback", "westmere", "haswell", ...).
namespace json_generic {
std::unique_ptr<DecoderKernel> make_kernel(JsonDecodeOptions options,
                                           std::unique_ptr<TypePlan> root);
const char* simdjson_ondemand_name();
}  // namespace json_generic

#if defined(LAKESTREAM_JSON_HASWELL_KERNEL)
namespace json_haswell {
std::unique_ptr<DecoderKernel> make_kernel(JsonDecodeOptions options,
                                           std::unique_ptr<TypePlan> root);
const char* simdjson_ondemand_name();
}  // namespace json_haswell
#endif

/// A kernel this build holds: the simdjson on-demand implementation it was compiled with, and
/// its factory.
struct KernelEntry {
  const char* name;
  std::unique_ptr<DecoderKernel> (*make)(JsonDecodeOptions options,
                                         std::unique_ptr<TypePlan> root);
  /// False when this CPU cannot run it.
  bool runnable;
};

/// Every kernel in this build, the generic one first (for tests that hold them to each other).
std::vector<KernelEntry> built_kernels();

/// The kernel new decoders use, as the simdjson on-demand implementation name: "haswell" when
/// this build has the AVX2 kernel and the CPU runs it, else the generic kernel's. The
/// environment variable LAKESTREAM_SIMD=generic forces the generic kernel (tests run both);
/// any other value, or none, lets the CPU decide. Read once per process.
const char* selected_kernel_name();

}  // namespace lakestream::json_internal
