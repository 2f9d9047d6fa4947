// The decoder's kernels (json_decoder_kernel.inc built for the baseline and, with GCC on x86-64,
// for haswell) and the run-time choice between them. ctest also runs the whole test_json binary
// with LAKESTREAM_SIMD=generic (tests/scripts/json_simd.cmake), so every other json test covers
// both kernels on a machine with AVX2.

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "json/decode_plan.h"
#include "json/decode_test_util.h"
#include "json/decoder_kernel.h"

namespace lakestream::testing {
namespace {

using json_internal::built_kernels;
using json_internal::KernelEntry;

bool forced_generic() {
  const char* env = std::getenv("LAKESTREAM_SIMD");
  return env != nullptr && std::strcmp(env, "generic") == 0;
}

TEST(KernelDispatchTest, GenericKernelIsBuiltWithoutAvx2) {
  const std::vector<KernelEntry> kernels = built_kernels();
  ASSERT_FALSE(kernels.empty());
  const std::string generic = kernels.front().name;
  EXPECT_NE(generic, "haswell");
  EXPECT_NE(generic, "icelake");
  EXPECT_TRUE(kernels.front().runnable);
}

TEST(KernelDispatchTest, HaswellKernelUsesSimdjsonHaswell) {
  const std::vector<KernelEntry> kernels = built_kernels();
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  ASSERT_EQ(kernels.size(), 2u);
  EXPECT_STREQ(kernels[1].name, "haswell");
  EXPECT_EQ(kernels[1].runnable, __builtin_cpu_supports("avx2") != 0 &&
                                     __builtin_cpu_supports("bmi2") != 0 &&
                                     __builtin_cpu_supports("lzcnt") != 0);
#else
  EXPECT_EQ(kernels.size(), 1u);
#endif
}

TEST(KernelDispatchTest, SelectionFollowsCpuAndEnvironment) {
  const std::vector<KernelEntry> kernels = built_kernels();
  const std::string selected = json_internal::selected_kernel_name();
  const bool haswell_runs = kernels.size() > 1 && kernels[1].runnable;
  if (forced_generic() || !haswell_runs) {
    EXPECT_EQ(selected, kernels.front().name);
  } else {
    EXPECT_EQ(selected, "haswell");
  }
}

Schema kernel_schema() {
  return Schema()
      .add("MeterId", DataType::string(), false)
      .add("Measurement",
           Schema()
               .add("Value", DataType::decimal(10, 2), false)
               .add("Unit", DataType::string())
               .as_struct())
      .add("ObservationTime", DataType::timestamp(), false)
      .add("Score", DataType::double_())
      .add("Tags", DataType::array(DataType::int_()))
      .add("Attrs", DataType::map(DataType::string(), DataType::long_()));
}

/// Good lines with escapes, long strings (past one SIMD block) and numbers of every shape,
/// salted with malformed and mistyped ones.
std::string kernel_input(int lines) {
  std::string text;
  for (int n = 0; n < lines; ++n) {
    const std::string id = std::to_string(n);
    switch (n % 9) {
      case 3: text += R"({"MeterId":"esc\u00e9\t\"q)" + id + R"(","ObservationTime":1611052380})"; break;
      case 4: text += R"({"MeterId":")" + std::string(100 + n % 50, 'x') +
                      R"(","ObservationTime":"2021-01-19T10:33:00.123+01:00","Score":-1.5e300})";
              break;
      case 5: text += R"({"MeterId":"bad","Measurement":{"Value":"12.345"},"ObservationTime":"2021-01-19T10:33:00Z"})"; break;
      case 6: text += R"({"MeterId":"open string)"; break;
      case 7: text += R"({"MeterId":"7","Tags":[1,2,"x"],"ObservationTime":"2021-01-19T10:33:00Z"})"; break;
      case 8: text += "[1,2] "; break;
      default:
        text += R"({"MeterId":")" + id + R"(","Measurement":{"Value":)" + std::to_string(n % 59) +
                R"(.25,"Unit":"kWH"},"ObservationTime":"2021-01-19T10:33:00Z","Score":)" +
                std::to_string(n) + R"(.5,"Tags":[)" + id + R"(,-3],"Attrs":{"a\"b":)" + id + "}}";
    }
    text += '\n';
  }
  return text;
}

struct Outcome {
  RecordBatch batch;
  std::vector<RejectedRecord> rejects;
};

Outcome run_kernel(const KernelEntry& kernel, DecodeMode mode, const std::string& text,
                   bool as_events) {
  Outcome out;
  out.batch = RecordBatch::make_empty(kernel_schema());
  auto plan = json_internal::build_plan(kernel_schema());
  EXPECT_TRUE(plan.ok());
  if (!plan.ok()) return out;
  auto k = kernel.make({mode, 64}, std::move(*plan));
  if (as_events) {
    std::vector<JsonEvent> events;
    size_t start = 0;
    for (size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
      events.push_back({std::string_view(text).substr(start, nl - start), 0,
                        static_cast<int64_t>(events.size())});
      start = nl + 1;
    }
    EXPECT_TRUE(k->decode_events(events, "hub", &out.batch, &out.rejects).ok());
  } else {
    EXPECT_TRUE(k->decode_ndjson(text, "f", &out.batch, &out.rejects, 1).ok());
  }
  return out;
}

void expect_same_column(const Column& a, const Column& b, const std::string& what) {
  ASSERT_EQ(a.length(), b.length()) << what;
  ASSERT_EQ(a.validity(), b.validity()) << what;
  ASSERT_EQ(a.values(), b.values()) << what;
  ASSERT_EQ(a.offsets(), b.offsets()) << what;
  ASSERT_EQ(a.data(), b.data()) << what;
  ASSERT_EQ(a.children().size(), b.children().size()) << what;
  for (size_t i = 0; i < a.children().size(); ++i) {
    expect_same_column(*a.child(i), *b.child(i), what + "." + std::to_string(i));
  }
}

struct KernelCase {
  const char* name;
  DecodeMode mode;
  bool as_events;
};

class KernelEquivalenceTest : public ::testing::TestWithParam<KernelCase> {};

TEST_P(KernelEquivalenceTest, EveryRunnableKernelMatchesTheGenericOne) {
  const KernelCase& c = GetParam();
  const std::string text = kernel_input(3000);
  const std::vector<KernelEntry> kernels = built_kernels();
  const Outcome expected = run_kernel(kernels.front(), c.mode, text, c.as_events);
  expect_consistent(expected.batch);
  EXPECT_GT(expected.batch.num_rows(), 1000);
  EXPECT_GT(expected.rejects.size(), 300u);
  for (size_t k = 1; k < kernels.size(); ++k) {
    if (!kernels[k].runnable) continue;
    SCOPED_TRACE(kernels[k].name);
    const Outcome got = run_kernel(kernels[k], c.mode, text, c.as_events);
    ASSERT_EQ(got.batch.num_rows(), expected.batch.num_rows());
    for (size_t i = 0; i < got.batch.num_columns(); ++i) {
      expect_same_column(*got.batch.column(i), *expected.batch.column(i),
                         kernel_schema().field(i).name);
    }
    ASSERT_EQ(got.rejects.size(), expected.rejects.size());
    for (size_t i = 0; i < got.rejects.size(); ++i) {
      EXPECT_EQ(got.rejects[i].reason, expected.rejects[i].reason) << i;
      EXPECT_EQ(got.rejects[i].position.to_string(), expected.rejects[i].position.to_string());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Modes, KernelEquivalenceTest,
    ::testing::Values(KernelCase{"NdjsonDeadLetter", DecodeMode::kDeadLetter, false},
                      KernelCase{"NdjsonPermissive", DecodeMode::kPermissive, false},
                      KernelCase{"EventsDeadLetter", DecodeMode::kDeadLetter, true},
                      KernelCase{"EventsPermissive", DecodeMode::kPermissive, true}),
    [](const ::testing::TestParamInfo<KernelCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace lakestream::testing
