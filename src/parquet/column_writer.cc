#include "parquet/column_writer.h"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "parquet/dictionary.h"
#include "parquet/nested_column_writer.h"
#include "parquet/rle_encoder.h"
#include "parquet/thrift_compact.h"

namespace lakestream::parquet {

static_assert(std::endian::native == std::endian::little,
              "PLAIN encoding copies values as they sit in memory: little-endian hosts only");

namespace {

// How often (in rows) a column checks whether its open page is full.
constexpr int64_t kPageCheckRows = 1024;
// The same for level entries written through write_levels (nested and checkpoint columns).
constexpr int64_t kLevelPageCheckEntries = 256;
// parquet-mr leaves min/max out of the statistics when they are together larger than this.
constexpr size_t kMaxStatBytes = 4096;

/// Raw pointers into a column's buffers, taken once per write() so the value loop does not
/// reload them after every store.
struct ColumnView {
  const uint8_t* values;
  const int32_t* offsets;
  const char* data;
};

// ---- what each physical representation does with its key --------------------------------
// A traits type says how to load a row's value ("key") from a column and whether the column
// is BOOLEAN (no dictionary, bit-packed) or a byte array.

template <typename Src, typename K>
struct NumberTraits {
  using Key = K;
  static constexpr bool kBoolean = false;
  static Key load(const ColumnView& v, int64_t row) {
    Src s;
    std::memcpy(&s, v.values + row * static_cast<int64_t>(sizeof(Src)), sizeof(Src));
    return static_cast<Key>(s);
  }
};

struct DecimalFlbaTraits {
  using Key = int128_t;
  static constexpr bool kBoolean = false;
  static Key load(const ColumnView& v, int64_t row) {
    int128_t s;
    std::memcpy(&s, v.values + row * 16, 16);
    return s;
  }
};

struct BinaryTraits {
  using Key = std::string_view;
  static constexpr bool kBoolean = false;
  static Key load(const ColumnView& v, int64_t row) {
    const int32_t b = v.offsets[row];
    return {v.data + b, static_cast<size_t>(v.offsets[row + 1] - b)};
  }
};

struct BoolTraits {
  using Key = uint8_t;
  static constexpr bool kBoolean = true;
  static Key load(const ColumnView& v, int64_t row) { return v.values[row] != 0 ? 1 : 0; }
};

// ---- key operations ---------------------------------------------------------------------

template <typename Key>
void append_plain(const Key& k, int type_length, std::string* out) {
  if constexpr (std::is_same_v<Key, std::string_view>) {
    const auto len = static_cast<uint32_t>(k.size());
    char buf[4];
    std::memcpy(buf, &len, 4);
    out->append(buf, 4);
    out->append(k.data(), k.size());
  } else if constexpr (std::is_same_v<Key, int128_t>) {
    // FIXED_LEN_BYTE_ARRAY decimal: big-endian two's complement, type_length bytes.
    char buf[16];
    for (int i = 0; i < type_length; ++i) {
      buf[i] = static_cast<char>(static_cast<uint8_t>(k >> (8 * (type_length - 1 - i))));
    }
    out->append(buf, static_cast<size_t>(type_length));
  } else if constexpr (std::is_same_v<Key, uint8_t>) {
    out->push_back(static_cast<char>(k));
  } else {
    const size_t at = out->size();
    out->resize(at + sizeof(Key));
    std::memcpy(out->data() + at, &k, sizeof(Key));
  }
}

/// The value as statistics bytes: PLAIN without a length prefix.
template <typename Key>
std::string stat_bytes(Key k, int type_length, bool is_max) {
  if constexpr (std::is_floating_point_v<Key>) {
    // The spec asks writers to widen a zero bound: min -0.0, max +0.0, so readers that filter
    // on stats never skip a row group holding the other zero.
    if (k == 0) k = is_max ? static_cast<Key>(0.0) : -static_cast<Key>(0.0);
  }
  std::string out;
  if constexpr (std::is_same_v<Key, std::string_view>) {
    out.assign(k.data(), k.size());
  } else {
    append_plain(k, type_length, &out);
  }
  return out;
}

template <typename Key>
bool key_less(const Key& a, const Key& b) {
  if constexpr (std::is_same_v<Key, std::string_view>) {
    // Parquet orders byte arrays as unsigned bytes, lexicographically.
    const int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
    return c < 0 || (c == 0 && a.size() < b.size());
  } else {
    return a < b;  // signed for integers and decimals, numeric for floats (NaN filtered)
  }
}

/// Min/max of one chunk (or the file), owning copies of byte-array bounds once persisted.
template <typename Key>
struct MinMax {
  bool has = false;
  Key min{};
  Key max{};
  std::string min_store;
  std::string max_store;

  void observe(const Key& k) {
    if constexpr (std::is_floating_point_v<Key>) {
      if (std::isnan(k)) return;  // NaN has no place in min/max (parquet-mr skips it too)
    }
    if (!has) {
      min = max = k;
      has = true;
      return;
    }
    if (key_less(k, min)) min = k;
    if (key_less(max, k)) max = k;
  }
  /// Byte-array bounds point into the caller's batch until copied here.
  void persist() {
    if constexpr (std::is_same_v<Key, std::string_view>) {
      if (!has) return;
      if (min.data() != min_store.data()) {
        min_store.assign(min.data(), min.size());
        min = min_store;
      }
      if (max.data() != max_store.data()) {
        max_store.assign(max.data(), max.size());
        max = max_store;
      }
    }
  }
  void reset() { has = false; }
};

/// The finished pages of a column chunk, held in blocks that never move: a single growing
/// string would copy everything written so far at each doubling and touch fresh memory each
/// time. Blocks grow with the chunk (a small column keeps small blocks, which matters when a
/// partitioned write has many files open); from 2 MiB on they are mapped with a transparent
/// huge page hint, one page fault per 2 MiB instead of 512. They stay allocated for the
/// writer's next row group.
class PageBlocks {
 public:
  PageBlocks() = default;
  PageBlocks(const PageBlocks&) = delete;
  PageBlocks& operator=(const PageBlocks&) = delete;
  ~PageBlocks() {
    for (Block& b : blocks_) release(b);
  }

  /// Append one page (its serialized header, then its payload).
  void append(std::string_view header, std::string_view payload, std::string_view tail = {}) {
    const size_t need = header.size() + payload.size() + tail.size();
    if (used_ == 0 || blocks_[used_ - 1].capacity - blocks_[used_ - 1].size < need) {
      next_block(need);
    }
    Block& b = blocks_[used_ - 1];
    char* at = b.data + b.size;
    for (std::string_view part : {header, payload, tail}) {
      if (part.empty()) continue;
      std::memcpy(at, part.data(), part.size());
      at += part.size();
    }
    b.size += need;
    size_ += static_cast<int64_t>(need);
  }
  int64_t size() const { return size_; }
  Status write_to(OutputStream* out) const {
    for (size_t i = 0; i < used_; ++i)
      LS_RETURN_NOT_OK(out->write(blocks_[i].data, blocks_[i].size));
    return Status::OK();
  }
  void clear() {
    for (size_t i = 0; i < used_; ++i) blocks_[i].size = 0;
    used_ = 0;
    size_ = 0;
  }

 private:
  static constexpr size_t kMinBlock = 64 << 10;
  static constexpr size_t kHugeBlock = 2 << 20;

  struct Block {
    char* data = nullptr;
    size_t capacity = 0;
    size_t size = 0;
    bool mapped = false;
  };

  void next_block(size_t need) {
    if (used_ == blocks_.size()) blocks_.emplace_back();
    Block& b = blocks_[used_++];
    b.size = 0;
    if (b.capacity >= need) return;
    release(b);
    size_t cap = std::max(need, std::clamp(static_cast<size_t>(size_), kMinBlock, kHugeBlock));
    if (cap >= kHugeBlock) {
      cap = (cap + kHugeBlock - 1) / kHugeBlock * kHugeBlock;
      void* p = ::mmap(nullptr, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p != MAP_FAILED) {
        (void)::madvise(p, cap, MADV_HUGEPAGE);
        b.data = static_cast<char*>(p);
        b.capacity = cap;
        b.mapped = true;
        return;
      }
    }
    b.data = new char[cap];
    b.capacity = cap;
    b.mapped = false;
  }

  static void release(Block& b) {
    if (b.data == nullptr) return;
    if (b.mapped) {
      ::munmap(b.data, b.capacity);
    } else {
      delete[] b.data;
    }
    b.data = nullptr;
    b.capacity = 0;
  }

  std::vector<Block> blocks_;  // [0, used_) hold pages
  size_t used_ = 0;
  int64_t size_ = 0;
};

template <typename Key>
ParquetStatValue to_stat_value(const Key& k, TypeId type) {
  if constexpr (std::is_same_v<Key, std::string_view>) {
    return std::string(k);
  } else if constexpr (std::is_same_v<Key, uint8_t>) {
    return k != 0;
  } else if constexpr (std::is_same_v<Key, int32_t> || std::is_same_v<Key, int64_t>) {
    if (type == TypeId::kDecimal) return static_cast<int128_t>(k);
    return k;
  } else {
    return k;
  }
}

std::string join_path(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& p : path) {
    if (!out.empty()) out.push_back('.');
    out += p;
  }
  return out;
}

template <typename Traits>
class TypedColumnWriter final : public LeafColumnWriter {
  using Key = typename Traits::Key;
  using Dict = std::conditional_t<std::is_same_v<Key, std::string_view>, BinaryDictionary,
                                  FixedDictionary<Key>>;

 public:
  TypedColumnWriter(const Field& field, const SchemaElement& element, const LeafSpec& spec,
                    ColumnWriterContext* ctx)
      : field_(field),
        element_(element),
        path_(spec.path),
        name_(join_path(spec.path)),
        ctx_(ctx),
        nullable_(field.nullable),
        max_def_(spec.max_def),
        max_rep_(spec.max_rep),
        type_length_(element.type_length.value_or(static_cast<int32_t>(sizeof(Key)))),
        dict_(make_dict()) {
    reset_chunk();
  }

  Status write(const Column& column, int64_t begin, int64_t end) override {
    const uint8_t* validity = column.validity().data();
    if (!nullable_ && std::memchr(validity + begin, 0, static_cast<size_t>(end - begin))) {
      return Status::InvalidArgument("Parquet writer: column '" + field_.name +
                                     "' is declared NOT NULL but the batch holds a null");
    }
    const ColumnView view{column.values().data(), column.offsets().data(), column.data().data()};
    const int64_t limit = ctx_->options->dictionary_page_limit_bytes;
    chunk_rows_ += end - begin;
    int64_t row = begin;
    while (row < end) {
      // Stop exactly at the page row limit, so a full page holds page_row_limit rows.
      const int64_t stop =
          std::min({end, row + kPageCheckRows,
                    row + std::max<int64_t>(1, ctx_->options->page_row_limit - page_rows_)});
      if (nullable_) levels_.insert(levels_.end(), validity + row, validity + stop);
      page_rows_ += stop - row;
      // Indices are stored through a raw pointer into room made up front: a push_back per
      // value is left out of line by GCC once this file holds the nested writer too, which
      // cost flat string columns ~10% (callgrind, bench/parquet_writer_bench).
      size_t n_indices = indices_.size();
      if (dict_mode_) indices_.resize(n_indices + static_cast<size_t>(stop - row));
      uint32_t* indices = indices_.data();
      for (; row < stop; ++row) {
        if (!validity[row]) {
          ++chunk_nulls_;
          continue;
        }
        const Key k = Traits::load(view, row);
        if constexpr (!Traits::kBoolean) {
          if (dict_mode_) {
            bool inserted = false;
            const int32_t index = dict_.find_or_insert(k, limit, &inserted);
            if (index >= 0) {
              indices[n_indices++] = static_cast<uint32_t>(index);
              if (inserted) chunk_stats_.observe(k);
              continue;
            }
            // The dictionary is full: finish the open page with the rows before this one,
            // dictionary-encoded, and write the rest of the chunk PLAIN (as parquet-mr does).
            indices_.resize(n_indices);
            LS_RETURN_NOT_OK(flush_page(page_rows_ - (stop - row)));
            dict_mode_ = false;
            n_indices = 0;  // the page took them all
          }
        }
        append_plain(k, type_length_, &plain_);
        chunk_stats_.observe(k);
      }
      indices_.resize(n_indices);
      if (page_estimate() >= ctx_->options->page_target_bytes ||
          page_rows_ >= ctx_->options->page_row_limit) {
        LS_RETURN_NOT_OK(flush_page(page_rows_));
      }
    }
    chunk_stats_.persist();
    return Status::OK();
  }

  Status write_levels(const Column& column, const LeafLevels& lv) override {
    // Room for every level entry of the call, written in place: entry k of the open page sits
    // at [page_rows_] (a page flushed on the way drops its entries from the front). A push_back
    // per entry stayed out of line and, with the fills of null runs, cost ~5% of a nested write.
    if (max_def_ > 0) levels_.resize(static_cast<size_t>(page_rows_ + lv.num_levels));
    if (max_rep_ > 0) rep_levels_.resize(static_cast<size_t>(page_rows_ + lv.num_levels));
    Status st = write_levels_in_place(column, lv);
    if (max_def_ > 0) levels_.resize(static_cast<size_t>(page_rows_));
    if (max_rep_ > 0) rep_levels_.resize(static_cast<size_t>(page_rows_));
    return st;
  }

  Status write_levels_in_place(const Column& column, const LeafLevels& lv) {
    const ColumnView view{column.values().data(), column.offsets().data(), column.data().data()};
    const int64_t limit = ctx_->options->dictionary_page_limit_bytes;
    const int64_t page_target = ctx_->options->page_target_bytes;
    const int64_t row_limit = ctx_->options->page_row_limit;
    const auto max_def = static_cast<uint8_t>(max_def_);
    int64_t v = 0;
    for (int64_t k = 0; k < lv.num_levels; ++k) {
      if ((lv.rep == nullptr || lv.rep[k] == 0) && lv.def != nullptr && lv.def[k] != max_def) {
        // A run of rows that each hold one entry without a value (null rows of a struct: most
        // rows of a Delta checkpoint's columns) is taken at once, up to the page row limit.
        const uint8_t d = lv.def[k];
        int64_t end = k + 1;
        while (end < lv.num_levels && lv.def[end] == d && (lv.rep == nullptr || lv.rep[end] == 0))
          ++end;
        while (k < end) {
          if (page_rows_ > 0 && (page_records_ >= row_limit || page_estimate() >= page_target)) {
            LS_RETURN_NOT_OK(flush_page(page_rows_));
            page_records_ = 0;
          }
          const int64_t n = std::min(end - k, std::max<int64_t>(1, row_limit - page_records_));
          page_records_ += n;
          record_entry_ = page_rows_ + n - 1;
          record_values_ = static_cast<int64_t>(indices_.size());
          std::fill_n(levels_.begin() + page_rows_, n, d);
          if (max_rep_ > 0) std::fill_n(rep_levels_.begin() + page_rows_, n, uint8_t{0});
          page_rows_ += n;
          chunk_nulls_ += n;
          k += n;
        }
        --k;  // the loop's ++k
        continue;
      }
      if (lv.rep == nullptr || lv.rep[k] == 0) {
        // A new top-level row: the only place a page may end. The row limit is exact; the
        // size target is looked at every kLevelPageCheckEntries level entries (computing the
        // estimate per row was ~4% of a nested write).
        if (page_rows_ > 0 && (page_records_ >= row_limit || (page_rows_ >= next_size_check_ &&
                                                              page_estimate() >= page_target))) {
          LS_RETURN_NOT_OK(flush_page(page_rows_));
          page_records_ = 0;
        }
        if (page_rows_ >= next_size_check_) next_size_check_ = page_rows_ + kLevelPageCheckEntries;
        ++page_records_;
        record_entry_ = page_rows_;
        record_values_ = static_cast<int64_t>(indices_.size());
      }
      const uint8_t d = lv.def == nullptr ? 0 : lv.def[k];
      if (max_def_ > 0) levels_[static_cast<size_t>(page_rows_)] = d;
      if (max_rep_ > 0) rep_levels_[static_cast<size_t>(page_rows_)] = lv.rep[k];
      ++page_rows_;
      if (d != max_def) {
        ++chunk_nulls_;
        continue;
      }
      const Key key = Traits::load(view, lv.value_rows[v++]);
      if constexpr (!Traits::kBoolean) {
        if (dict_mode_) {
          bool inserted = false;
          const int32_t index = dict_.find_or_insert(key, limit, &inserted);
          if (index >= 0) {
            indices_.push_back(static_cast<uint32_t>(index));
            if (inserted) chunk_stats_.observe(key);
            continue;
          }
          LS_RETURN_NOT_OK(leave_dictionary_mid_row());
        }
      }
      append_plain(key, type_length_, &plain_);
      chunk_stats_.observe(key);
    }
    chunk_rows_ += lv.num_levels;
    chunk_stats_.persist();
    return Status::OK();
  }

  int64_t buffered_bytes() const override {
    int64_t dict_bytes = 0;
    if constexpr (!Traits::kBoolean) dict_bytes = dict_.plain_bytes();
    return pages_.size() + page_estimate() + dict_bytes;
  }

  Status flush_chunks(OutputStream* out, std::vector<ColumnChunk>* chunks) override {
    const int64_t start = out->tell();
    // A chunk whose only page is the open one, PLAIN (every chunk of a Delta checkpoint): that
    // page goes to the stream from where it is, not through the page blocks.
    bool direct = pages_.size() == 0 && !used_dictionary_pages_;
    if constexpr (!Traits::kBoolean) direct = direct && !dict_mode_;
    if (direct) direct_out_ = out;
    Status flushed = flush_page(page_rows_);
    direct_out_ = nullptr;
    LS_RETURN_NOT_OK(flushed);
    page_records_ = 0;
    ColumnChunk* chunk = &chunks->emplace_back();
    ColumnMetaData& md = chunk->meta_data;
    md = ColumnMetaData{};
    md.type = *element_.type;
    md.path_in_schema = path_;
    md.codec = to_thrift_codec(ctx_->options->compression);
    md.num_values = chunk_rows_;

    chunk->file_offset = start;
    bool has_dictionary_page = false;
    if constexpr (!Traits::kBoolean) {
      if (used_dictionary_pages_) {
        std::string& body = ctx_->page_body;
        body.clear();
        write_dictionary_plain(&body);
        PageHeader h;
        h.type = PageType::kDictionaryPage;
        h.dictionary_page_header =
            DictionaryPageHeader{static_cast<int32_t>(dict_.size()), Encoding::kPlain};
        dict_page_.clear();
        LS_RETURN_NOT_OK(emit_page(&h, body, &dict_page_));
        LS_RETURN_NOT_OK(dict_page_.write_to(out));
        md.dictionary_page_offset = start;
        has_dictionary_page = true;
      }
    }
    md.data_page_offset = direct ? start : out->tell();
    LS_RETURN_NOT_OK(pages_.write_to(out));
    md.total_uncompressed_size = uncompressed_total_;
    md.total_compressed_size = compressed_total_;

    if (has_dictionary_page || used_plain_pages_) md.encodings.push_back(Encoding::kPlain);
    if (max_def_ > 0 || max_rep_ > 0) md.encodings.push_back(Encoding::kRle);
    if (used_dictionary_pages_) md.encodings.push_back(Encoding::kRleDictionary);

    Statistics stats;
    stats.null_count = chunk_nulls_;
    if (chunk_stats_.has) {
      std::string lo = stat_bytes(chunk_stats_.min, type_length_, false);
      std::string hi = stat_bytes(chunk_stats_.max, type_length_, true);
      if (lo.size() + hi.size() <= kMaxStatBytes) {
        const bool signed_order = *element_.type != PhysicalType::kByteArray &&
                                  *element_.type != PhysicalType::kFixedLenByteArray;
        // The deprecated min/max carry signed order; parquet-mr fills them only where the
        // type's order is the signed one, never for byte arrays.
        if (signed_order) {
          stats.min = lo;
          stats.max = hi;
        }
        stats.min_value = std::move(lo);
        stats.max_value = std::move(hi);
      }
      file_stats_.observe(chunk_stats_.min);
      file_stats_.observe(chunk_stats_.max);
      file_stats_.persist();
    }
    md.statistics = std::move(stats);
    file_nulls_ += chunk_nulls_;
    reset_chunk();
    return Status::OK();
  }

  void leaf_stats(std::vector<ParquetColumnStats>* out) const override {
    out->push_back(file_stats());
  }

  ParquetColumnStats file_stats() const override {
    ParquetColumnStats s;
    s.name = name_;
    s.type = field_.type;
    s.null_count = file_nulls_;
    if (file_stats_.has) {
      s.min = to_stat_value(file_stats_.min, field_.type->id());
      s.max = to_stat_value(file_stats_.max, field_.type->id());
    }
    return s;
  }

 private:
  Dict make_dict() const {
    if constexpr (std::is_same_v<Key, std::string_view>) {
      return Dict();
    } else {
      return Dict(type_length_);
    }
  }

  void reset_chunk() {
    pages_.clear();
    levels_.clear();
    rep_levels_.clear();
    indices_.clear();
    plain_.clear();
    if constexpr (!Traits::kBoolean) dict_.clear();
    dict_mode_ = !Traits::kBoolean && ctx_->options->enable_dictionary;
    used_dictionary_pages_ = false;
    used_plain_pages_ = false;
    page_rows_ = 0;
    next_size_check_ = 0;
    chunk_rows_ = 0;
    chunk_nulls_ = 0;
    uncompressed_total_ = 0;
    compressed_total_ = 0;
    chunk_stats_.reset();
  }

  int64_t page_estimate() const {
    // page_rows_ level entries of each kind (the buffers may hold room beyond them).
    const int64_t levels = ((max_def_ > 0 ? page_rows_ : 0) + (max_rep_ > 0 ? page_rows_ : 0)) / 8;
    if (dict_mode_) {
      if constexpr (!Traits::kBoolean) {
        const int bw = std::max(1, bit_width_for(dict_.size()));
        return levels + static_cast<int64_t>(indices_.size()) * bw / 8;
      }
    }
    if constexpr (Traits::kBoolean) return levels + static_cast<int64_t>(plain_.size()) / 8;
    return levels + static_cast<int64_t>(plain_.size());
  }

  /// Whether the dictionary-encoded open page (`encoded_bytes` of indices) plus the
  /// dictionary are smaller than the same values PLAIN.
  bool dictionary_pays_off(size_t encoded_bytes, size_t count) const {
    if constexpr (Traits::kBoolean) {
      return false;
    } else {
      int64_t plain = 0;
      if constexpr (std::is_same_v<Key, std::string_view>) {
        for (size_t k = 0; k < count; ++k) {
          plain += 4 + static_cast<int64_t>(dict_.entry(static_cast<int32_t>(indices_[k])).size());
        }
      } else {
        plain = static_cast<int64_t>(count) * type_length_;
      }
      return static_cast<int64_t>(encoded_bytes) + dict_.plain_bytes() < plain;
    }
  }

  void write_dictionary_plain(std::string* body) const {
    if constexpr (std::is_same_v<Key, std::string_view>) {
      for (size_t i = 0; i < dict_.size(); ++i) {
        append_plain(dict_.entry(static_cast<int32_t>(i)), type_length_, body);
      }
    } else if constexpr (!Traits::kBoolean) {
      for (const Key& k : dict_.entries()) append_plain(k, type_length_, body);
    }
  }

  /// The dictionary filled up in the middle of a top-level row of a nested column: end the
  /// open page (dictionary-encoded) before that row, as pages must end between rows, and
  /// write the rest of the chunk, the row's values so far included, PLAIN.
  Status leave_dictionary_mid_row() {
    if constexpr (!Traits::kBoolean) {
      LS_RETURN_NOT_OK(flush_page(record_entry_, static_cast<size_t>(record_values_)));
      page_records_ = 1;
      record_entry_ = 0;
      // What is left are the indices of the open row's values: re-encode them PLAIN.
      for (const uint32_t i : indices_) {
        if constexpr (std::is_same_v<Key, std::string_view>) {
          append_plain(dict_.entry(static_cast<int32_t>(i)), type_length_, &plain_);
        } else {
          append_plain(dict_.entries()[i], type_length_, &plain_);
        }
      }
      indices_.clear();
      record_values_ = 0;
      dict_mode_ = false;
    }
    return Status::OK();
  }

  /// Append `levels` (the first `n` of them) RLE-encoded with their 4-byte length, as data
  /// page v1 stores repetition and definition levels.
  static void append_levels(const std::vector<uint8_t>& levels, int64_t n, int max_level,
                            std::string* body) {
    const size_t at = body->size();
    body->resize(at + 4);
    rle_hybrid_encode(levels.data(), static_cast<size_t>(n), bit_width_for(max_level), body);
    const auto len = static_cast<uint32_t>(body->size() - at - 4);
    std::memcpy(body->data() + at, &len, 4);
  }

  /// Encode the first `rows` level entries of the open page as a data page (v1), with the
  /// first `values` buffered dictionary indices (all of them by default).
  Status flush_page(int64_t rows, size_t values = SIZE_MAX) {
    if (rows <= 0) return Status::OK();
    std::string& body = ctx_->page_body;
    body.clear();
    if (max_rep_ > 0) append_levels(rep_levels_, rows, max_rep_, &body);
    if (max_def_ > 0) append_levels(levels_, rows, max_def_, &body);
    Encoding encoding = Encoding::kPlain;
    bool dictionary_page = false;
    if constexpr (!Traits::kBoolean) dictionary_page = dict_mode_ && dict_.size() > 0;
    if (dictionary_page) {
      if constexpr (!Traits::kBoolean) {
        const int bw = std::max(1, bit_width_for(dict_.size() - 1));
        const size_t count = std::min(values, indices_.size());
        const size_t before = body.size();
        body.push_back(static_cast<char>(bw));
        rle_hybrid_encode(indices_.data(), count, bw, &body);
        if (!used_dictionary_pages_ && !dictionary_pays_off(body.size() - before, count)) {
          // As parquet-mr does after a chunk's first page: when the indices plus the
          // dictionary are no smaller than the values written PLAIN (a column of nearly
          // distinct values, such as timestamps), the rest of the chunk is written PLAIN
          // instead of hashing every value into a dictionary that will not pay off.
          dict_mode_ = false;
        }
        if (count == indices_.size()) {
          indices_.clear();
        } else {
          indices_.erase(indices_.begin(), indices_.begin() + static_cast<std::ptrdiff_t>(count));
        }
        encoding = Encoding::kRleDictionary;
        used_dictionary_pages_ = true;
      }
    } else {
      used_plain_pages_ = true;
      if constexpr (!Traits::kBoolean) {
        if (max_def_ == 0 && max_rep_ == 0) {
          // Without levels the page body is the PLAIN values as they are: no copy.
          PageHeader h;
          h.type = PageType::kDataPage;
          h.data_page_header =
              DataPageHeader{static_cast<int32_t>(rows), encoding, Encoding::kRle, Encoding::kRle};
          LS_RETURN_NOT_OK(emit_page(&h, plain_, &pages_));
          plain_.clear();
          page_rows_ -= rows;
          next_size_check_ = 0;
          return Status::OK();
        }
      }
      if constexpr (Traits::kBoolean) {
        bit_pack_booleans(reinterpret_cast<const uint8_t*>(plain_.data()), plain_.size(), &body);
      } else if (ctx_->options->compression == ParquetCompression::kNone) {
        // Uncompressed: the values go to the page blocks from where they are, after the levels.
        PageHeader h;
        h.type = PageType::kDataPage;
        h.data_page_header =
            DataPageHeader{static_cast<int32_t>(rows), encoding, Encoding::kRle, Encoding::kRle};
        LS_RETURN_NOT_OK(emit_page(&h, body, &pages_, plain_));
        plain_.clear();
        drop_page_levels(rows);
        return Status::OK();
      } else {
        body.append(plain_);
      }
      plain_.clear();
    }
    PageHeader h;
    h.type = PageType::kDataPage;
    h.data_page_header =
        DataPageHeader{static_cast<int32_t>(rows), encoding, Encoding::kRle, Encoding::kRle};
    LS_RETURN_NOT_OK(emit_page(&h, body, &pages_));
    drop_page_levels(rows);
    return Status::OK();
  }

  /// Forget the levels of the `rows` entries a page just took.
  void drop_page_levels(int64_t rows) {
    if (max_def_ > 0) levels_.erase(levels_.begin(), levels_.begin() + rows);
    if (max_rep_ > 0) rep_levels_.erase(rep_levels_.begin(), rep_levels_.begin() + rows);
    page_rows_ -= rows;
    next_size_check_ = 0;
  }

  /// The serialized header, then `payload` and `tail`: to the stream when flush_chunks()
  /// writes a chunk's only page directly, else into `target`.
  Status put_page(PageBlocks* target, std::string_view payload, std::string_view tail) {
    if (direct_out_ == nullptr) {
      target->append(ctx_->header, payload, tail);
      return Status::OK();
    }
    LS_RETURN_NOT_OK(direct_out_->write(ctx_->header));
    if (!payload.empty()) LS_RETURN_NOT_OK(direct_out_->write(payload));
    if (!tail.empty()) LS_RETURN_NOT_OK(direct_out_->write(tail));
    return Status::OK();
  }

  /// Compress `body` and append header + compressed bytes to `target`. An uncompressed page
  /// may come in two parts, `body` then `tail`, appended without joining them first.
  Status emit_page(PageHeader* h, std::string_view body, PageBlocks* target,
                   std::string_view tail = {}) {
    if (!tail.empty()) {
      if (body.size() + tail.size() > INT32_MAX) {
        return Status::InvalidArgument("Parquet writer: a page of column '" + field_.name +
                                       "' exceeds 2 GiB");
      }
      const auto size = static_cast<int32_t>(body.size() + tail.size());
      h->uncompressed_page_size = h->compressed_page_size = size;
      ctx_->header.clear();
      ThriftCompactWriter w(&ctx_->header);
      write_thrift(w, *h);
      LS_RETURN_NOT_OK(put_page(target, body, tail));
      uncompressed_total_ += static_cast<int64_t>(ctx_->header.size()) + size;
      compressed_total_ += static_cast<int64_t>(ctx_->header.size()) + size;
      return Status::OK();
    }
    std::string_view payload = body;
    if (ctx_->options->compression != ParquetCompression::kNone) {
      LS_RETURN_NOT_OK(
          ctx_->compressor->compress(body, &payload).with_context("column '" + field_.name + "'"));
    }
    if (body.size() > INT32_MAX || payload.size() > INT32_MAX) {
      return Status::InvalidArgument("Parquet writer: a page of column '" + field_.name +
                                     "' exceeds 2 GiB");
    }
    h->uncompressed_page_size = static_cast<int32_t>(body.size());
    h->compressed_page_size = static_cast<int32_t>(payload.size());
    ctx_->header.clear();
    ThriftCompactWriter w(&ctx_->header);
    write_thrift(w, *h);
    LS_RETURN_NOT_OK(put_page(target, payload, {}));
    uncompressed_total_ += static_cast<int64_t>(ctx_->header.size() + body.size());
    compressed_total_ += static_cast<int64_t>(ctx_->header.size() + payload.size());
    return Status::OK();
  }

  const Field field_;
  const SchemaElement element_;
  const std::vector<std::string> path_;  // path_in_schema
  const std::string name_;               // the path dotted, for statistics
  ColumnWriterContext* ctx_;
  const bool nullable_;  // flat write(): the validity bytes are the definition levels
  const int max_def_;
  const int max_rep_;
  const int type_length_;

  Dict dict_;
  bool dict_mode_ = true;
  bool used_dictionary_pages_ = false;
  bool used_plain_pages_ = false;

  std::vector<uint8_t> levels_;      // definition levels of the open page (validity bytes)
  std::vector<uint8_t> rep_levels_;  // repetition levels of the open page (nested leaves)
  std::vector<uint32_t> indices_;    // dictionary indices of the open page
  std::string plain_;                // PLAIN values of the open page (booleans: one byte each)
  PageBlocks pages_;                 // finished data pages of this chunk (headers + payloads)
  PageBlocks dict_page_;
  int64_t page_rows_ = 0;  // level entries in the open page (= rows for a flat column)
  // Nested leaves: top-level rows begun in the open page, and where the last one began (its
  // level entry and the dictionary indices before it).
  OutputStream* direct_out_ = nullptr;  ///< set while flush_chunks() writes a page directly
  int64_t page_records_ = 0;
  /// write_levels looks at the open page's size estimate once page_rows_ reaches this.
  int64_t next_size_check_ = 0;
  int64_t record_entry_ = 0;
  int64_t record_values_ = 0;
  int64_t chunk_rows_ = 0;
  int64_t chunk_nulls_ = 0;
  int64_t uncompressed_total_ = 0;
  int64_t compressed_total_ = 0;
  MinMax<Key> chunk_stats_;
  MinMax<Key> file_stats_;
  int64_t file_nulls_ = 0;
};

/// Smallest byte count whose signed range holds every unscaled value of `precision` digits
/// (Spark's minBytesForPrecision).
int32_t min_bytes_for_precision(int precision) {
  __extension__ using u128 = unsigned __int128;
  u128 limit = 1;
  for (int i = 0; i < precision; ++i) limit *= 10;  // 10^p: the values are < 10^p in magnitude
  for (int32_t n = 1; n <= 16; ++n) {
    const u128 half_range = static_cast<u128>(1) << (8 * n - 1);  // 2^(8n-1)
    if (half_range >= limit) return n;
  }
  return 16;
}

}  // namespace

Result<SchemaElement> leaf_schema_element(const Field& field) {
  SchemaElement e;
  e.name = field.name;
  e.field_id = parquet_field_id(field);
  e.repetition = field.nullable ? Repetition::kOptional : Repetition::kRequired;
  const DataType& t = *field.type;
  switch (t.id()) {
    case TypeId::kString:
      e.type = PhysicalType::kByteArray;
      e.converted_type = ConvertedType::kUtf8;
      e.logical_type.kind = LogicalType::Kind::kString;
      break;
    case TypeId::kBinary:
      e.type = PhysicalType::kByteArray;
      break;
    case TypeId::kBoolean:
      e.type = PhysicalType::kBoolean;
      break;
    case TypeId::kByte:
    case TypeId::kShort:
      e.type = PhysicalType::kInt32;
      e.converted_type = t.id() == TypeId::kByte ? ConvertedType::kInt8 : ConvertedType::kInt16;
      e.logical_type.kind = LogicalType::Kind::kInteger;
      e.logical_type.bit_width = t.id() == TypeId::kByte ? 8 : 16;
      e.logical_type.is_signed = true;
      break;
    case TypeId::kInt:
      e.type = PhysicalType::kInt32;
      break;
    case TypeId::kLong:
      e.type = PhysicalType::kInt64;
      break;
    case TypeId::kFloat:
      e.type = PhysicalType::kFloat;
      break;
    case TypeId::kDouble:
      e.type = PhysicalType::kDouble;
      break;
    case TypeId::kDecimal:
      if (t.precision() < 1 || t.precision() > 38) {
        return Status::InvalidArgument("Parquet writer: column '" + field.name +
                                       "' has an unsupported decimal precision");
      }
      if (t.precision() <= 9) {
        e.type = PhysicalType::kInt32;
      } else if (t.precision() <= 18) {
        e.type = PhysicalType::kInt64;
      } else {
        e.type = PhysicalType::kFixedLenByteArray;
        e.type_length = min_bytes_for_precision(t.precision());
      }
      e.converted_type = ConvertedType::kDecimal;
      e.scale = t.scale();
      e.precision = t.precision();
      e.logical_type.kind = LogicalType::Kind::kDecimal;
      e.logical_type.scale = t.scale();
      e.logical_type.precision = t.precision();
      break;
    case TypeId::kDate:
      e.type = PhysicalType::kInt32;
      e.converted_type = ConvertedType::kDate;
      e.logical_type.kind = LogicalType::Kind::kDate;
      break;
    case TypeId::kTimestamp:
      e.type = PhysicalType::kInt64;
      e.converted_type = ConvertedType::kTimestampMicros;
      e.logical_type.kind = LogicalType::Kind::kTimestamp;
      e.logical_type.adjusted_to_utc = true;
      break;
    case TypeId::kTimestampNtz:
      // No converted type: TIMESTAMP_MICROS would claim the values are adjusted to UTC.
      e.type = PhysicalType::kInt64;
      e.logical_type.kind = LogicalType::Kind::kTimestamp;
      e.logical_type.adjusted_to_utc = false;
      break;
    case TypeId::kStruct:
    case TypeId::kArray:
    case TypeId::kMap:
      // Groups, not leaves: append_schema_elements() writes them.
      return Status::InvalidArgument("Parquet writer: column '" + field.name + "' has type " +
                                     t.simple_string() + ", which is not a leaf type");
    case TypeId::kNull:
      // As Spark: Parquet has no void type (Delta leaves such columns out of data files).
      return Status::NotImplemented("Parquet writer: column '" + field.name +
                                    "' has type void, which Parquet cannot store");
  }
  return e;
}

Status append_schema_elements(const Field& field, std::vector<SchemaElement>* out) {
  const DataType& t = *field.type;
  if (!t.is_nested()) {
    LS_ASSIGN_OR_RAISE(SchemaElement e, leaf_schema_element(field));
    out->push_back(std::move(e));
    return Status::OK();
  }
  SchemaElement group;
  group.name = field.name;
  group.field_id = parquet_field_id(field);
  group.repetition = field.nullable ? Repetition::kOptional : Repetition::kRequired;
  switch (t.id()) {
    case TypeId::kStruct:
      if (t.fields().empty()) {
        return Status::InvalidArgument("Parquet writer: column '" + field.name +
                                       "' is a struct without fields, which Parquet cannot store");
      }
      group.num_children = static_cast<int32_t>(t.fields().size());
      out->push_back(std::move(group));
      for (const Field& f : t.fields()) {
        LS_RETURN_NOT_OK(append_schema_elements(f, out).with_context("in '" + field.name + "'"));
      }
      return Status::OK();
    case TypeId::kArray: {
      // Both annotations: readers older than LogicalType know only the converted type.
      group.converted_type = ConvertedType::kList;
      group.logical_type.kind = LogicalType::Kind::kList;
      group.num_children = 1;
      out->push_back(std::move(group));
      SchemaElement list;
      list.name = "list";
      list.repetition = Repetition::kRepeated;
      list.num_children = 1;
      out->push_back(std::move(list));
      return append_schema_elements(Field{"element", t.element(), t.contains_null(), "{}"}, out)
          .with_context("in '" + field.name + "'");
    }
    case TypeId::kMap: {
      group.converted_type = ConvertedType::kMap;
      group.logical_type.kind = LogicalType::Kind::kMap;
      group.num_children = 1;
      out->push_back(std::move(group));
      SchemaElement key_value;
      key_value.name = "key_value";
      key_value.repetition = Repetition::kRepeated;
      key_value.num_children = 2;
      out->push_back(std::move(key_value));
      LS_RETURN_NOT_OK(append_schema_elements(Field{"key", t.key(), false, "{}"}, out)
                           .with_context("in '" + field.name + "'"));
      return append_schema_elements(Field{"value", t.value(), t.contains_null(), "{}"}, out)
          .with_context("in '" + field.name + "'");
    }
    default:
      break;
  }
  return Status::OK();
}

Result<std::unique_ptr<ColumnChunkWriter>> make_column_writer(const Field& field,
                                                              ColumnWriterContext* context) {
  if (field.type->is_nested()) return make_nested_column_writer(field, context);
  LS_ASSIGN_OR_RAISE(SchemaElement element, leaf_schema_element(field));
  const LeafSpec spec{{field.name}, field.nullable ? 1 : 0, 0};
  return std::unique_ptr<ColumnChunkWriter>(make_leaf_writer(field, element, spec, context));
}

std::unique_ptr<LeafColumnWriter> make_leaf_writer(const Field& field, const SchemaElement& element,
                                                   const LeafSpec& spec, ColumnWriterContext* ctx) {
  const DataType& t = *field.type;
  switch (t.id()) {
    case TypeId::kBoolean:
      return std::make_unique<TypedColumnWriter<BoolTraits>>(field, element, spec, ctx);
    case TypeId::kByte:
      return std::make_unique<TypedColumnWriter<NumberTraits<int8_t, int32_t>>>(field, element,
                                                                                spec, ctx);
    case TypeId::kShort:
      return std::make_unique<TypedColumnWriter<NumberTraits<int16_t, int32_t>>>(field, element,
                                                                                 spec, ctx);
    case TypeId::kInt:
    case TypeId::kDate:
      return std::make_unique<TypedColumnWriter<NumberTraits<int32_t, int32_t>>>(field, element,
                                                                                 spec, ctx);
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return std::make_unique<TypedColumnWriter<NumberTraits<int64_t, int64_t>>>(field, element,
                                                                                 spec, ctx);
    case TypeId::kFloat:
      return std::make_unique<TypedColumnWriter<NumberTraits<float, float>>>(field, element, spec,
                                                                             ctx);
    case TypeId::kDouble:
      return std::make_unique<TypedColumnWriter<NumberTraits<double, double>>>(field, element, spec,
                                                                               ctx);
    case TypeId::kDecimal:
      if (t.precision() <= 9) {
        return std::make_unique<TypedColumnWriter<NumberTraits<int128_t, int32_t>>>(field, element,
                                                                                    spec, ctx);
      }
      if (t.precision() <= 18) {
        return std::make_unique<TypedColumnWriter<NumberTraits<int128_t, int64_t>>>(field, element,
                                                                                    spec, ctx);
      }
      return std::make_unique<TypedColumnWriter<DecimalFlbaTraits>>(field, element, spec, ctx);
    case TypeId::kString:
    case TypeId::kBinary:
      return std::make_unique<TypedColumnWriter<BinaryTraits>>(field, element, spec, ctx);
    case TypeId::kStruct:
    case TypeId::kArray:
    case TypeId::kMap:
    case TypeId::kNull:
      break;
  }
  return nullptr;
}

}  // namespace lakestream::parquet
