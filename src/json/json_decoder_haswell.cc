// The decoder kernel built for haswell (AVX2, BMI1/2, PCLMUL, LZCNT: src/CMakeLists.txt gives
// this file those -m flags), so simdjson's on-demand code inlined into it is simdjson's haswell
// implementation rather than the generic fallback. json_decoder.cc calls it only when the CPU
// has all of these. Built with GCC on x86-64 only (LAKESTREAM_JSON_HASWELL_KERNEL); elsewhere
// this file is empty.
//
// Not a target pragma instead of the flags: g++ does not define __AVX2__ after one (so simdjson
// cannot pick haswell by itself), and simdjson's always-inline haswell constructors are then
// reached from std::pair's constructor, compiled outside the pragma, which g++ refuses.
// The kernel's own code has internal linkage (json_decoder_kernel.inc) and simdjson's is in
// simdjson::haswell; see docs/decoding.md for what else this file shares with the rest of the
// library and how that is checked.
#if defined(LAKESTREAM_JSON_HASWELL_KERNEL)

#include <simdjson.h>

#if !SIMDJSON_CAN_ALWAYS_RUN_HASWELL
#error "the haswell kernel must be compiled with -mavx2 -mbmi -mbmi2 -mpclmul -mlzcnt"
#endif

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "json/base64.h"
#include "json/decode_plan.h"
#include "json/decoder_kernel.h"
#include "json/json_text.h"
#include "lakestream/common/decimal.h"
#include "lakestream/common/time.h"

#define LS_JSON_KERNEL_NS json_haswell
#include "json/json_decoder_kernel.inc"
#undef LS_JSON_KERNEL_NS

#endif  // LAKESTREAM_JSON_HASWELL_KERNEL
