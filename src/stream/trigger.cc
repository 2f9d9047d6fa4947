#include "lakestream/stream/trigger.h"

#include <cctype>
#include <charconv>
#include <string>

#include "lakestream/common/strings.h"
#include "lakestream/common/time.h"

namespace lakestream {

Trigger Trigger::processing_time(std::string_view interval) {
  auto ms = parse_interval_ms(interval);
  Trigger t(Kind::kProcessingTime, ms.ok() ? *ms : 0);
  if (!ms.ok()) t.status_ = ms.status().with_context("trigger interval");
  return t;
}

Trigger Trigger::processing_time_ms(int64_t interval_ms) {
  return Trigger(Kind::kProcessingTime, interval_ms < 0 ? 0 : interval_ms);
}

Trigger Trigger::available_now() { return Trigger(Kind::kAvailableNow, 0); }

Trigger Trigger::continuous() { return Trigger(Kind::kContinuous, 0); }

Result<Trigger> Trigger::parse(std::string_view text) {
  const std::string t = to_lower_ascii(trim(text));
  if (t == "available-now" || t == "availablenow" || t == "available_now" || t == "once")
    return available_now();
  if (t == "continuous") return continuous();
  Trigger trigger = processing_time(text);
  if (!trigger.status().ok()) return trigger.status();
  return trigger;
}

std::string Trigger::to_string() const {
  switch (kind_) {
    case Kind::kProcessingTime:
      return "ProcessingTime(" + std::to_string(interval_ms_) + " ms)";
    case Kind::kAvailableNow:
      return "AvailableNow";
    case Kind::kContinuous:
      return "Continuous";
  }
  return "?";
}

}  // namespace lakestream
