#include "lakestream/parquet/parquet_writer.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>

#include "lakestream/version.h"
#include "parquet/column_writer.h"
#include "parquet/compression.h"
#include "parquet/parquet_types.h"
#include "parquet/thrift_compact.h"

namespace lakestream {

std::optional<int32_t> parquet_field_id(const Field& field) {
  if (field.metadata.find(kParquetFieldIdKey) == std::string::npos) return std::nullopt;
  auto j = nlohmann::json::parse(field.metadata, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(kParquetFieldIdKey);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  const auto id = it->get<int64_t>();
  if (id < INT32_MIN || id > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(id);
}

using parquet::ColumnChunkWriter;
using parquet::ColumnWriterContext;

namespace {

constexpr char kMagic[] = "PAR1";
// Rows encoded per column before the row-group size is checked again.
constexpr int64_t kSliceRows = 32768;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view parquet_compression_name(ParquetCompression c) {
  switch (c) {
    case ParquetCompression::kNone:
      return "none";
    case ParquetCompression::kSnappy:
      return "snappy";
    case ParquetCompression::kZstd:
      return "zstd";
    case ParquetCompression::kGzip:
      return "gzip";
  }
  return "unknown";
}

Result<ParquetCompression> parse_parquet_compression(std::string_view name) {
  if (iequals(name, "none") || iequals(name, "uncompressed")) return ParquetCompression::kNone;
  if (iequals(name, "snappy")) return ParquetCompression::kSnappy;
  if (iequals(name, "zstd")) return ParquetCompression::kZstd;
  if (iequals(name, "gzip")) return ParquetCompression::kGzip;
  return Status::InvalidArgument("unknown Parquet compression '" + std::string(name) +
                                 "' (expected none, snappy, zstd or gzip)");
}

std::string_view parquet_compression_file_infix(ParquetCompression c) {
  switch (c) {
    case ParquetCompression::kNone:
      return "";
    case ParquetCompression::kSnappy:
      return "snappy";
    case ParquetCompression::kZstd:
      return "zstd";
    case ParquetCompression::kGzip:
      return "gz";
  }
  return "";
}

class ParquetWriter::Impl {
 public:
  Impl(std::unique_ptr<OutputStream> out, Schema schema, ParquetWriterOptions options)
      : out_(std::move(out)),
        schema_(std::move(schema)),
        options_(std::move(options)),
        compressor_(options_.compression, options_.compression_level) {
    context_.options = &options_;
    context_.compressor = &compressor_;
  }

  Status start() {
    parquet::SchemaElement root;
    root.name = "spark_schema";
    root.num_children = static_cast<int32_t>(schema_.size());
    metadata_.schema.push_back(root);
    for (const Field& f : schema_.fields()) {
      LS_RETURN_NOT_OK(parquet::append_schema_elements(f, &metadata_.schema));
      LS_ASSIGN_OR_RAISE(auto writer, parquet::make_column_writer(f, &context_));
      columns_.push_back(std::move(writer));
    }
    if (options_.row_group_target_bytes <= 0 || options_.page_target_bytes <= 0 ||
        options_.page_row_limit <= 0 || options_.row_group_row_limit <= 0) {
      return Status::InvalidArgument(
          "Parquet writer: row group and page target sizes and the row group and page row "
          "limits must be positive");
    }
    return out_->write(kMagic, 4);
  }

  Status write(const RecordBatch& batch) {
    if (closed_) return Status::InvalidArgument("Parquet writer: write() after close()");
    if (batch.num_columns() != schema_.size()) {
      return Status::InvalidArgument("Parquet writer: batch has " +
                                     std::to_string(batch.num_columns()) +
                                     " columns, the file schema " + std::to_string(schema_.size()));
    }
    for (size_t i = 0; i < schema_.size(); ++i) {
      const Field& f = schema_.field(i);
      const ColumnPtr& c = batch.column(i);
      if (!same_type(c->type(), f.type)) {
        return Status::InvalidArgument("Parquet writer: column '" + f.name + "' has type " +
                                       c->type()->simple_string() + " in the batch, " +
                                       f.type->simple_string() + " in the file schema");
      }
      if (c->length() != batch.num_rows()) {
        return Status::InvalidArgument("Parquet writer: column '" + f.name + "' has " +
                                       std::to_string(c->length()) + " rows, the batch " +
                                       std::to_string(batch.num_rows()));
      }
    }
    const int64_t rows = batch.num_rows();
    for (int64_t begin = 0; begin < rows;) {
      const int64_t end = std::min(rows, begin + kSliceRows);
      for (size_t i = 0; i < columns_.size(); ++i) {
        LS_RETURN_NOT_OK(columns_[i]->write(*batch.column(i), begin, end));
      }
      rows_in_group_ += end - begin;
      total_rows_ += end - begin;
      begin = end;
      int64_t buffered = 0;
      for (const auto& c : columns_) buffered += c->buffered_bytes();
      if (buffered >= options_.row_group_target_bytes ||
          rows_in_group_ >= options_.row_group_row_limit) {
        LS_RETURN_NOT_OK(flush_row_group());
      }
    }
    return Status::OK();
  }

  Status flush_row_group() {
    if (closed_) return Status::InvalidArgument("Parquet writer: flush_row_group() after close()");
    if (rows_in_group_ == 0) return Status::OK();
    parquet::RowGroup rg;
    rg.num_rows = rows_in_group_;
    rg.file_offset = out_->tell();
    rg.ordinal = static_cast<int16_t>(metadata_.row_groups.size());
    int64_t compressed = 0;
    for (auto& c : columns_) LS_RETURN_NOT_OK(c->flush_chunks(out_.get(), &rg.columns));
    for (const parquet::ColumnChunk& chunk : rg.columns) {
      rg.total_byte_size += chunk.meta_data.total_uncompressed_size;
      compressed += chunk.meta_data.total_compressed_size;
    }
    rg.total_compressed_size = compressed;
    metadata_.row_groups.push_back(std::move(rg));
    rows_in_group_ = 0;
    return Status::OK();
  }

  Result<ParquetFileInfo> close() {
    if (closed_) return Status::InvalidArgument("Parquet writer: close() called twice");
    LS_RETURN_NOT_OK(flush_row_group());
    metadata_.num_rows = total_rows_;
    metadata_.created_by = options_.created_by.empty()
                               ? std::string("lakestream version ") + kVersion
                               : options_.created_by;
    for (const auto& [k, v] : options_.key_value_metadata) {
      metadata_.key_value_metadata.push_back(parquet::KeyValue{k, v});
    }
    std::string footer;
    parquet::ThriftCompactWriter w(&footer);
    parquet::write_thrift(w, metadata_);
    const auto len = static_cast<uint32_t>(footer.size());
    char tail[8];
    std::memcpy(tail, &len, 4);
    std::memcpy(tail + 4, kMagic, 4);
    footer.append(tail, 8);
    LS_RETURN_NOT_OK(out_->write(footer));
    ParquetFileInfo info;
    info.num_rows = total_rows_;
    info.file_size = out_->tell();
    info.num_row_groups = static_cast<int64_t>(metadata_.row_groups.size());
    for (const auto& c : columns_) {
      info.columns.push_back(c->file_stats());
      c->leaf_stats(&info.leaves);
      c->group_stats(&info.groups);
    }
    LS_RETURN_NOT_OK(out_->close());
    closed_ = true;
    return info;
  }

  void abort() {
    if (!closed_) {
      out_->abort();
      closed_ = true;
    }
  }

  int64_t num_rows() const { return total_rows_; }

  int64_t estimated_size() const {
    int64_t size = out_->tell();
    for (const auto& c : columns_) size += c->buffered_bytes();
    return size;
  }

 private:
  std::unique_ptr<OutputStream> out_;
  Schema schema_;
  ParquetWriterOptions options_;
  parquet::PageCompressor compressor_;
  ColumnWriterContext context_;
  std::vector<std::unique_ptr<ColumnChunkWriter>> columns_;
  parquet::FileMetaData metadata_;
  int64_t rows_in_group_ = 0;
  int64_t total_rows_ = 0;
  bool closed_ = false;
};

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::open(std::unique_ptr<OutputStream> out,
                                                           const Schema& schema,
                                                           ParquetWriterOptions options) {
  if (out == nullptr) return Status::InvalidArgument("Parquet writer: no output stream");
  auto impl = std::make_unique<Impl>(std::move(out), schema, std::move(options));
  Status st = impl->start();
  if (!st.ok()) {
    impl->abort();
    return st;
  }
  return std::unique_ptr<ParquetWriter>(new ParquetWriter(std::move(impl)));
}

ParquetWriter::ParquetWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ParquetWriter::~ParquetWriter() {
  if (impl_) impl_->abort();
}

Status ParquetWriter::write(const RecordBatch& batch) { return impl_->write(batch); }

Status ParquetWriter::flush_row_group() { return impl_->flush_row_group(); }

int64_t ParquetWriter::num_rows() const { return impl_->num_rows(); }

int64_t ParquetWriter::estimated_size() const { return impl_->estimated_size(); }

Result<ParquetFileInfo> ParquetWriter::close() {
  auto r = impl_->close();
  if (!r.ok()) impl_->abort();
  return r;
}

void ParquetWriter::abort() { impl_->abort(); }

}  // namespace lakestream
