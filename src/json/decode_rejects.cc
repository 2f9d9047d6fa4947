// The decoder's reject messages: what failed and where (the path is prefixed while the
// decoder unwinds), turned into a dead letter with its raw bytes or, in fail-fast mode, into
// the error that stops the call.
#include <string>

#include "json/decoder_impl.h"
#include "json/json_text.h"

namespace lakestream {

namespace {

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

}  // namespace

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
    return;
  }
  // A new string rather than insert(0, ...), which GCC 12 misreads as an overlapping copy.
  std::string joined;
  joined.reserve(component.size() + 1 + failure_path_.size());
  joined.append(component);
  if (failure_path_.front() != '[') joined.push_back('.');
  joined.append(failure_path_);
  failure_path_.swap(joined);
}

}  // namespace lakestream
