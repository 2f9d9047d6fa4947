// The decoder kernel built for the baseline instruction set of this build (on x86-64 without
// -m flags: simdjson's on-demand "fallback"). Always present; json_decoder.cc uses it when
// the CPU lacks AVX2 (or its companions), when LAKESTREAM_SIMD=generic, or when the build has
// no haswell kernel (other compilers or architectures).
#include <simdjson.h>

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

#define LS_JSON_KERNEL_NS json_generic
#include "json/json_decoder_kernel.inc"
#undef LS_JSON_KERNEL_NS
