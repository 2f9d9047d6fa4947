#pragma once
// common/status: the error type every module returns across I/O and decode boundaries.
// Status is cheap when OK (one pointer); Result<T> holds either a value or a non-OK Status.
// The macros keep the happy path readable:
//   LS_RETURN_NOT_OK(writer.flush());
//   LS_ASSIGN_OR_RAISE(auto schema, Schema::from_ddl(text));

#include <cassert>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace lakestream {

/// What kind of failure a Status reports. Callers branch on the code, humans read the message.
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument,  ///< bad option, bad input text, bad schema
  kNotFound,         ///< file, blob, table, option not present
  kAlreadyExists,    ///< put-if-absent lost the race
  kIOError,          ///< local or remote I/O failed
  kCorrupt,          ///< a file or log entry is malformed
  kNotImplemented,   ///< a feature this build does not support
  kConflict,         ///< a concurrent writer changed something we depend on
  kCancelled,        ///< stopped on request
  kInternal,         ///< a bug: an invariant did not hold
};

/// Name of a status code ("InvalidArgument", ...), for messages.
std::string_view status_code_name(StatusCode code);

/// Success, or a failure with a code and a message naming what failed and where.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message);

  static Status OK() { return {}; }
  static Status InvalidArgument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status Corrupt(std::string msg) { return {StatusCode::kCorrupt, std::move(msg)}; }
  static Status NotImplemented(std::string msg) {
    return {StatusCode::kNotImplemented, std::move(msg)};
  }
  static Status Conflict(std::string msg) { return {StatusCode::kConflict, std::move(msg)}; }
  static Status Cancelled(std::string msg) { return {StatusCode::kCancelled, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  /// The message alone ("" when OK).
  const std::string& message() const;
  /// "<CodeName>: <message>", or "OK".
  std::string to_string() const;

  /// A copy with `context` prepended to the message ("reading x.parquet: " + message).
  Status with_context(std::string_view context) const;

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const State> state_;
};

/// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Result constructed from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status::OK() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Status> v_;
};

namespace internal {
inline Status to_status(const Status& s) { return s; }
template <typename T>
Status to_status(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace lakestream

#define LS_CONCAT_IMPL(a, b) a##b
#define LS_CONCAT(a, b) LS_CONCAT_IMPL(a, b)

/// Return the Status of `expr` (a Status or Result) from the enclosing function if it failed.
#define LS_RETURN_NOT_OK(expr)                                                  \
  do {                                                                          \
    auto&& _ls_status = (expr);                                                 \
    if (!_ls_status.ok()) return ::lakestream::internal::to_status(_ls_status); \
  } while (false)

#define LS_ASSIGN_OR_RAISE_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                            \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()

/// Evaluate a Result; on failure return its Status, otherwise bind the value to `lhs`.
#define LS_ASSIGN_OR_RAISE(lhs, rexpr) \
  LS_ASSIGN_OR_RAISE_IMPL(LS_CONCAT(_ls_result_, __LINE__), lhs, rexpr)
