#pragma once
// json/direct_scan: the decoder's direct path. It reads a record's bytes once, left to right,
// guided by the plan, and appends the values to the columns as it goes: no stage-1 index, no
// on-demand iterator, no key unescaping. It handles the shapes producers actually write
// (members in any order with plain keys, plain strings, plain numbers, literals, nested
// structs, arrays and maps) and *never rejects*: anything it is not sure about (an escape, an
// unknown nested member, a value that does not fit, a missing non-null field, any syntax it
// does not expect) makes it give the record back, and the simdjson on-demand path decodes it
// and has the final word, reasons and all. So it must only ever accept what that path accepts,
// with the same values: its grammar is strict JSON, and its conversions are the same functions.
// Internal to the json module.

#include <cstdint>
#include <string>
#include <vector>

#include "json/decode_plan.h"
#include "lakestream/batch/column.h"

namespace lakestream::json_internal {

// Hidden: the scanner's members call each other on the hot path, and a default-visibility
// symbol of the shared library would be called through the PLT and never inlined.
class __attribute__((visibility("hidden"))) DirectScanner {
 public:
  /// With `rescue`, the columns given to decode_* end with the rescued-data column: top-level
  /// unknown members with scalar values are kept there (as the on-demand path keeps them), and
  /// a record with an unknown member deeper down goes to the on-demand path, which knows paths.
  DirectScanner(TypePlan* root, int max_depth, bool rescue)
      : root_(root), max_depth_(max_depth), rescue_(rescue) {}

  /// True when every struct of the plan can be followed (at most 64 members, for the
  /// duplicate-member bit set); otherwise the decoder never calls the scanner.
  static bool supports(const TypePlan& root);

  /// Cut the spare room the scanner keeps at the end of column buffers (see direct_scan.cc).
  /// Call before anything else appends to the columns or reads them, and when a call ends.
  /// (Column::truncate, which rolls a record back, does the same for the columns it cuts.)
  static void close(const std::vector<ColumnPtr>& columns);

  /// One event body [p, end): true when it is exactly one JSON object (whitespace around it
  /// allowed) that decodes cleanly; then one row has been appended to `columns`. False when
  /// the record must go to the on-demand path: the columns may hold a partial row then, which
  /// the caller truncates. `p..end` must be valid UTF-8 (the caller checks); no padding needed.
  bool decode_event(const char* p, const char* end, const std::vector<ColumnPtr>& columns);

  /// One NDJSON line starting at `p` (its first non-blank byte), the text ending at `end`: as
  /// decode_event, but the record ends at the first '\n' (a line break is not whitespace
  /// inside a record here). On success returns the position of that '\n' (or `end`); nullptr
  /// when the line must go to the on-demand path.
  const char* decode_line(const char* p, const char* end, const std::vector<ColumnPtr>& columns);

 private:
  template <bool kLines>
  bool object_members(TypePlan& plan, const std::vector<ColumnPtr>& columns, int depth);
  template <bool kLines>
  bool value(TypePlan& plan, bool nullable, Column& column, int depth);
  template <bool kLines>
  bool array_elements(TypePlan& plan, Column& column, int depth);
  template <bool kLines>
  bool map_entries(TypePlan& plan, Column& column, int depth);
  /// `item (',' item)* close`, or `close` at once; p_ is just past the opening bracket.
  template <bool kLines, typename Item>
  bool comma_separated(char close, Item&& item);
  template <bool kLines>
  bool skip_scalar();
  template <bool kLines>
  void skip_ws();

  bool plain_string(std::string_view* out);
  bool number_token(std::string_view* out);
  /// A plain integer token (-?(0|[1-9][0-9]{0,17})) at the cursor, not followed by more of a
  /// number: its value and significant digits, the cursor past it. False, cursor unmoved,
  /// for any other token.
  bool integer_token(int64_t* value, int* digits);
  /// A number in plain decimal notation, -?(0|[1-9][0-9]*)(.[0-9]+)?, of at most 18 digits.
  struct ShortNumber {
    uint64_t digits = 0;  ///< all its digits as one integer (the point left out)
    bool negative = false;
    int int_digits = 0;   ///< significant digits before the point (0 for "0.5")
    int frac_digits = 0;  ///< digits after the point
    const char* end = nullptr;
  };
  /// Such a number at the cursor, the cursor unmoved (end says where it stops). False for any
  /// other token: the general paths decide about those.
  bool short_number(ShortNumber* out);
  /// A short number whose digits make an integer below 2^53, as the correctly rounded double
  /// (one exact division), the cursor past it; false, cursor unmoved, otherwise.
  bool short_double(double* out);
  bool literal(const char* word, size_t len);
  /// A timestamp in the common fixed shape yyyy-MM-dd[T ]HH:mm:ss[.f{1,9}][Z], with the date
  /// part's day number cached (consecutive records mostly share a date). False for any other
  /// shape or an impossible value: then parse_timestamp_micros decides.
  bool fixed_timestamp(std::string_view text, int64_t* micros);

  /// The record's rescued members so far (`{"a":1,"b":"x"` without the closing brace).
  void add_rescued(std::string_view name, std::string_view text);
  /// Append the rescued object, or null, to the rescued-data column (the last of `columns`).
  void finish_rescue(const std::vector<ColumnPtr>& columns);

  TypePlan* root_;
  int max_depth_;
  bool rescue_;
  const char* p_ = nullptr;
  const char* end_ = nullptr;
  std::string binary_;             // scratch for decoded base64
  std::string rescued_;            // rescue only: the record's rescued members
  std::string_view unknown_name_;  // the name of the unknown member being skipped
  uint64_t cached_head_ = 0;       // the cached date's first 8 bytes ...
  uint16_t cached_tail_ = 0;       // ... and its last 2
  int64_t cached_days_ = 0;
  bool have_cached_date_ = false;
};

}  // namespace lakestream::json_internal
