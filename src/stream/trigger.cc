#include "lakestream/stream/trigger.h"

#include <cctype>
#include <charconv>
#include <string>

#include "lakestream/common/strings.h"

namespace lakestream {

namespace {

/// Milliseconds per unit, or 0 for an unknown unit.
int64_t unit_ms(const std::string& unit) {
  if (unit.empty() || unit == "ms" || unit == "milli" || unit == "millis" ||
      unit == "millisecond" || unit == "milliseconds")
    return 1;
  if (unit == "s" || unit == "sec" || unit == "secs" || unit == "second" || unit == "seconds")
    return 1000;
  if (unit == "m" || unit == "min" || unit == "mins" || unit == "minute" || unit == "minutes")
    return 60'000;
  if (unit == "h" || unit == "hour" || unit == "hours") return 3'600'000;
  return 0;
}

}  // namespace

Result<int64_t> parse_interval_ms(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("trigger interval '" + std::string(text) +
                                   "': " + std::string(why) +
                                   " (expected e.g. '1 second', '500 milliseconds', '2 minutes')");
  };
  std::string t = to_lower_ascii(trim(text));
  std::string_view s = t;
  if (s.starts_with("interval")) s = trim(s.substr(8));
  if (s.empty()) return bad("empty");
  int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end == s.data()) return bad("no number");
  if (n < 0) return bad("negative");
  const std::string unit(
      trim(std::string_view(end, static_cast<size_t>(s.data() + s.size() - end))));
  const int64_t per = unit_ms(unit);
  if (per == 0) return bad("unknown unit '" + unit + "'");
  if (n > INT64_MAX / per) return bad("too large");
  return n * per;
}

Trigger Trigger::processing_time(std::string_view interval) {
  auto ms = parse_interval_ms(interval);
  Trigger t(Kind::kProcessingTime, ms.ok() ? *ms : 0);
  if (!ms.ok()) t.status_ = ms.status();
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
