#include "parquet/nested_column_writer.h"

#include <algorithm>
#include <string>
#include <vector>

namespace lakestream::parquet {
namespace {

// Definition and repetition levels are stored one byte each (the rle encoder's input).
constexpr int kMaxLevel = 255;
// Top-level rows shredded at a time: bounds the level buffers (a row of long lists holds many
// level entries) while keeping the calls into the leaf encoders few.
constexpr int64_t kShredRows = 4096;

/// One node on the way from the top-level column down to a leaf.
struct Step {
  enum class Kind : uint8_t { kLeaf, kStruct, kList, kMap };
  Kind kind = Kind::kLeaf;
  bool nullable = true;
  bool map_key = false;  ///< a map's key: never null, whatever the key type says
  uint8_t def = 0;       ///< definition level of a present (non-null) value of this node
  uint8_t rep = 0;       ///< list/map: repetition level of the second and later elements
  uint32_t child = 0;    ///< struct/list/map: which child column the way goes on through
  std::string where;     ///< the node's dotted path, for messages ("readings.element.t")
};

/// A leaf: its way down from the top-level column, and its encoder.
struct Leaf {
  std::vector<Step> steps;  // steps.back() is the leaf itself
  int max_rep = 0;
  std::unique_ptr<LeafColumnWriter> writer;
};

/// Shreds rows of one top-level column for one leaf into levels and value positions.
class Shredder {
 public:
  Shredder(const std::vector<Step>& steps, std::vector<uint8_t>* def, std::vector<uint8_t>* rep,
           std::vector<int64_t>* rows)
      : steps_(steps), def_(def), rep_(rep), rows_(rows) {}

  Status row(const Column& column, int64_t i) {
    if (!visit(0, column, i, 0)) {
      const Step& s = *error_step_;
      return Status::InvalidArgument(
          "Parquet writer: column '" + s.where +
          (s.map_key ? "' holds a null map key, which Parquet (and Spark) cannot store"
                     : "' is declared NOT NULL but the batch holds a null"));
    }
    return Status::OK();
  }

 private:
  void emit(uint8_t rep, uint8_t def) {
    rep_->push_back(rep);
    def_->push_back(def);
  }

  // The value at row i of `col`, which sits at steps_[d], begins with repetition level `rep`.
  // A null or an empty list/map ends the way down with one level entry that says how far the
  // value is defined; struct members are not looked at under a null struct.
  bool visit(size_t d, const Column& col, int64_t i, uint8_t rep) {
    const Step& s = steps_[d];
    if (col.is_null(i)) {
      if (!s.nullable) {
        error_step_ = &s;
        return false;
      }
      emit(rep, static_cast<uint8_t>(s.def - 1));
      return true;
    }
    switch (s.kind) {
      case Step::Kind::kLeaf:
        emit(rep, s.def);
        rows_->push_back(i);
        return true;
      case Step::Kind::kStruct:
        return visit(d + 1, *col.children()[s.child], i, rep);
      case Step::Kind::kList:
      case Step::Kind::kMap: {
        const int32_t begin = col.offset(i), end = col.offset(i + 1);
        if (begin >= end) {
          emit(rep, s.def);  // present but empty: the repeated group is not defined
          return true;
        }
        const Column& elements = *col.children()[s.child];
        if (!visit(d + 1, elements, begin, rep)) return false;
        for (int32_t j = begin + 1; j < end; ++j) {
          if (!visit(d + 1, elements, j, s.rep)) return false;
        }
        return true;
      }
    }
    return true;
  }

  const std::vector<Step>& steps_;
  std::vector<uint8_t>* def_;
  std::vector<uint8_t>* rep_;
  std::vector<int64_t>* rows_;
  const Step* error_step_ = nullptr;
};

/// An array or map reached from the top-level column through struct members only. Delta's
/// nullCount of such a member counts its null rows (a null struct above it included), which
/// its leaves' level counts cannot tell apart from empty or null elements: it is counted here.
struct MemberGroup {
  std::vector<uint32_t> members;  ///< the struct member taken at each step down
  std::string name;               ///< dotted path of struct members: "device.tags"
  DataTypePtr type;
  int64_t chunk_nulls = 0;
  int64_t file_nulls = 0;
};

void collect_member_groups(const DataType& type, std::vector<uint32_t>& members,
                           const std::string& where, std::vector<MemberGroup>* out) {
  if (type.id() != TypeId::kStruct) return;
  const auto& fields = type.fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    members.push_back(static_cast<uint32_t>(i));
    const std::string name = where + "." + fields[i].name;
    const TypeId id = fields[i].type->id();
    if (id == TypeId::kArray || id == TypeId::kMap) {
      out->push_back(MemberGroup{members, name, fields[i].type, 0, 0});
    } else {
      collect_member_groups(*fields[i].type, members, name, out);
    }
    members.pop_back();
  }
}

class NestedColumnWriter final : public ColumnChunkWriter {
 public:
  NestedColumnWriter(const Field& field, std::vector<Leaf> leaves)
      : field_(field), leaves_(std::move(leaves)) {
    std::vector<uint32_t> members;
    collect_member_groups(*field_.type, members, field_.name, &groups_);
  }

  Status write(const Column& column, int64_t begin, int64_t end) override {
    const uint8_t* validity = column.validity().data();
    chunk_nulls_ += static_cast<int64_t>(std::count(validity + begin, validity + end, 0));
    for (MemberGroup& g : groups_) {
      for (int64_t i = begin; i < end; ++i) {
        const Column* c = &column;
        bool null = c->is_null(i);
        for (size_t k = 0; k < g.members.size() && !null; ++k) {
          c = c->children()[g.members[k]].get();
          null = c->is_null(i);
        }
        g.chunk_nulls += null ? 1 : 0;
      }
    }
    for (Leaf& leaf : leaves_) {
      // The leaf's values live in the column reached by the same way down.
      const Column* values = &column;
      for (size_t d = 0; d + 1 < leaf.steps.size(); ++d) {
        values = values->children()[leaf.steps[d].child].get();
      }
      Shredder shredder(leaf.steps, &def_, &rep_, &rows_);
      for (int64_t from = begin; from < end;) {
        const int64_t to = std::min(end, from + kShredRows);
        def_.clear();
        rep_.clear();
        rows_.clear();
        if (leaf.max_rep == 0) {
          LS_RETURN_NOT_OK(shred_struct_leaf(leaf, shredder, column, from, to));
          from = to;
          continue;
        }
        if (leaf.max_rep == 1) {
          LS_RETURN_NOT_OK(shred_one_list_leaf(leaf, shredder, column, from, to));
        } else {
          for (int64_t i = from; i < to;) {
            if (validity[i] == 0 && leaf.steps[0].nullable) {
              // A run of null rows: one entry each, defined to no level.
              int64_t j = i + 1;
              while (j < to && validity[j] == 0) ++j;
              def_.insert(def_.end(), static_cast<size_t>(j - i), 0);
              rep_.insert(rep_.end(), static_cast<size_t>(j - i), 0);
              i = j;
              continue;
            }
            LS_RETURN_NOT_OK(shredder.row(column, i++));
          }
        }
        LeafLevels levels;
        levels.def = leaf.steps.back().def > 0 ? def_.data() : nullptr;
        levels.rep = leaf.max_rep > 0 ? rep_.data() : nullptr;
        levels.value_rows = rows_.data();
        levels.num_levels = static_cast<int64_t>(def_.size());
        LS_RETURN_NOT_OK(leaf.writer->write_levels(*values, levels));
        from = to;
      }
    }
    return Status::OK();
  }

  /// Rows [from, to) of a leaf under exactly one list or map (structs above and below it, as
  /// in `readings` ARRAY<STRUCT<sensor, value>> or a MAP's key and value): the general walk
  /// without its recursion, straight into the level buffers, then to the leaf's encoder.
  Status shred_one_list_leaf(Leaf& leaf, Shredder& shredder, const Column& column, int64_t from,
                             int64_t to) {
    const std::vector<Step>& steps = leaf.steps;
    size_t list = 0;
    while (steps[list].kind == Step::Kind::kStruct) ++list;
    const Step& ls = steps[list];
    for (int64_t i = from; i < to; ++i) {
      const Column* c = &column;
      bool done = false;
      for (size_t d = 0; d < list; ++d) {
        if (c->is_null(i)) {
          if (!steps[d].nullable) return shredder.row(column, i);  // names the column
          emit(0, static_cast<uint8_t>(steps[d].def - 1));
          done = true;
          break;
        }
        c = c->children()[steps[d].child].get();
      }
      if (done) continue;
      if (c->is_null(i)) {
        if (!ls.nullable) return shredder.row(column, i);
        emit(0, static_cast<uint8_t>(ls.def - 1));
        continue;
      }
      const int32_t begin = c->offset(i), end = c->offset(i + 1);
      if (begin >= end) {
        emit(0, ls.def);
        continue;
      }
      const Column& elements = *c->children()[ls.child];
      for (int32_t j = begin; j < end; ++j) {
        const uint8_t rep = j == begin ? 0 : ls.rep;
        const Column* e = &elements;
        for (size_t d = list + 1;; ++d) {
          const Step& s = steps[d];
          if (e->is_null(j)) {
            if (!s.nullable) return shredder.row(column, i);
            emit(rep, static_cast<uint8_t>(s.def - 1));
            break;
          }
          if (s.kind == Step::Kind::kLeaf) {
            emit(rep, s.def);
            rows_.push_back(j);
            break;
          }
          e = e->children()[s.child].get();
        }
      }
    }
    return Status::OK();
  }

  void emit(uint8_t rep, uint8_t def) {
    rep_.push_back(rep);
    def_.push_back(def);
  }

  /// Rows [from, to) of a leaf under structs only (no list or map above it): one level entry
  /// per row, the depth to which the row is defined, without the general walk.
  Status shred_struct_leaf(Leaf& leaf, Shredder& shredder, const Column& column, int64_t from,
                           int64_t to) {
    const auto n = static_cast<size_t>(to - from);
    // Grow-only: resizing to each slice's length zero-filled both buffers for every leaf and
    // slice (3% of a nested write), and every entry is written below anyway.
    if (struct_def_.size() < n) struct_def_.resize(n);
    if (struct_rows_.size() < n) struct_rows_.resize(n);
    uint8_t* def = struct_def_.data();
    int64_t* rows = struct_rows_.data();
    size_t values = 0;
    const std::vector<Step>& steps = leaf.steps;
    for (int64_t i = from; i < to; ++i) {
      const Column* c = &column;
      for (size_t d = 0;; ++d) {
        const Step& s = steps[d];
        if (c->is_null(i)) {
          // The general walk names the column a NOT NULL violation is in.
          if (!s.nullable) return shredder.row(column, i);
          *def++ = static_cast<uint8_t>(s.def - 1);
          break;
        }
        if (s.kind == Step::Kind::kLeaf) {
          *def++ = s.def;
          rows[values++] = i;
          break;
        }
        c = c->children()[s.child].get();
      }
    }
    const Column* values_column = &column;
    for (size_t d = 0; d + 1 < steps.size(); ++d) {
      values_column = values_column->children()[steps[d].child].get();
    }
    LeafLevels levels;
    levels.def = steps.back().def > 0 ? struct_def_.data() : nullptr;
    levels.value_rows = struct_rows_.data();
    levels.num_levels = static_cast<int64_t>(n);
    return leaf.writer->write_levels(*values_column, levels);
  }

  int64_t buffered_bytes() const override {
    int64_t n = 0;
    for (const Leaf& leaf : leaves_) n += leaf.writer->buffered_bytes();
    return n;
  }

  Status flush_chunks(OutputStream* out, std::vector<ColumnChunk>* chunks) override {
    for (Leaf& leaf : leaves_) LS_RETURN_NOT_OK(leaf.writer->flush_chunks(out, chunks));
    file_nulls_ += chunk_nulls_;
    chunk_nulls_ = 0;
    for (MemberGroup& g : groups_) {
      g.file_nulls += g.chunk_nulls;
      g.chunk_nulls = 0;
    }
    return Status::OK();
  }

  ParquetColumnStats file_stats() const override {
    ParquetColumnStats s;
    s.name = field_.name;
    s.type = field_.type;
    s.null_count = file_nulls_;
    return s;
  }

  void leaf_stats(std::vector<ParquetColumnStats>* out) const override {
    for (const Leaf& leaf : leaves_) leaf.writer->leaf_stats(out);
  }

  void group_stats(std::vector<ParquetColumnStats>* out) const override {
    for (const MemberGroup& g : groups_) {
      ParquetColumnStats s;
      s.name = g.name;
      s.type = g.type;
      s.null_count = g.file_nulls;
      out->push_back(std::move(s));
    }
  }

 private:
  const Field field_;
  std::vector<Leaf> leaves_;
  std::vector<MemberGroup> groups_;
  // Shredding buffers, reused by every leaf and slice: no allocation per value.
  std::vector<uint8_t> def_;
  std::vector<uint8_t> rep_;
  std::vector<int64_t> rows_;
  // The same for leaves under structs only (shred_struct_leaf), which only grow.
  std::vector<uint8_t> struct_def_;
  std::vector<int64_t> struct_rows_;
  int64_t chunk_nulls_ = 0;
  int64_t file_nulls_ = 0;
};

/// Builds the leaves of a column: mirrors append_schema_elements() (same names, same order).
struct LeafBuilder {
  ColumnWriterContext* context;
  std::vector<Leaf>* leaves;
  std::vector<Step> steps;
  std::vector<std::string> parquet_path;

  Status add(const std::string& name, const DataTypePtr& type, bool nullable,
             const std::string& where, int parent_def, int parent_rep, bool map_key = false) {
    const int def = parent_def + (nullable ? 1 : 0);
    if (def > kMaxLevel || parent_rep + 1 > kMaxLevel) {
      return Status::NotImplemented("Parquet writer: column '" + where +
                                    "' is nested deeper than " + std::to_string(kMaxLevel) +
                                    " levels");
    }
    Step step;
    step.nullable = nullable;
    step.map_key = map_key;
    step.def = static_cast<uint8_t>(def);
    step.where = where;
    parquet_path.push_back(name);
    Status st = Status::OK();
    switch (type->id()) {
      case TypeId::kStruct: {
        step.kind = Step::Kind::kStruct;
        const auto& fields = type->fields();
        for (size_t i = 0; i < fields.size() && st.ok(); ++i) {
          step.child = static_cast<uint32_t>(i);
          steps.push_back(step);
          st = add(fields[i].name, fields[i].type, fields[i].nullable, where + "." + fields[i].name,
                   def, parent_rep);
          steps.pop_back();
        }
        break;
      }
      case TypeId::kArray: {
        step.kind = Step::Kind::kList;
        step.rep = static_cast<uint8_t>(parent_rep + 1);
        steps.push_back(step);
        parquet_path.emplace_back("list");
        st = add("element", type->element(), type->contains_null(), where + ".element", def + 1,
                 step.rep);
        parquet_path.pop_back();
        steps.pop_back();
        break;
      }
      case TypeId::kMap: {
        step.kind = Step::Kind::kMap;
        step.rep = static_cast<uint8_t>(parent_rep + 1);
        parquet_path.emplace_back("key_value");
        step.child = 0;
        steps.push_back(step);
        st = add("key", type->key(), false, where + ".key", def + 1, step.rep, true);
        steps.pop_back();
        if (st.ok()) {
          step.child = 1;
          steps.push_back(step);
          st = add("value", type->value(), type->contains_null(), where + ".value", def + 1,
                   step.rep);
          steps.pop_back();
        }
        parquet_path.pop_back();
        break;
      }
      default: {
        step.kind = Step::Kind::kLeaf;
        const Field leaf_field{where, type, nullable, "{}"};
        auto element = leaf_schema_element(Field{name, type, nullable, "{}"});
        if (!element.ok()) {
          st = element.status().with_context("column '" + where + "'");
          break;
        }
        Leaf leaf;
        leaf.steps = steps;
        leaf.steps.push_back(step);
        leaf.max_rep = parent_rep;
        leaf.writer = make_leaf_writer(leaf_field, *element,
                                       LeafSpec{parquet_path, def, parent_rep}, context);
        leaves->push_back(std::move(leaf));
        break;
      }
    }
    parquet_path.pop_back();
    return st;
  }
};

}  // namespace

Result<std::unique_ptr<ColumnChunkWriter>> make_nested_column_writer(const Field& field,
                                                                     ColumnWriterContext* context) {
  std::vector<Leaf> leaves;
  LeafBuilder builder{context, &leaves, {}, {}};
  LS_RETURN_NOT_OK(builder.add(field.name, field.type, field.nullable, field.name, 0, 0));
  return std::unique_ptr<ColumnChunkWriter>(new NestedColumnWriter(field, std::move(leaves)));
}

}  // namespace lakestream::parquet
