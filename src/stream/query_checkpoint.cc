#include "query_checkpoint.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "lakestream/delta/uuid.h"

namespace lakestream::stream_internal {

namespace {

Result<std::string> parse_metadata(const std::string& text, const std::string& where) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("id") || !j["id"].is_string() ||
      j["id"].get<std::string>().empty()) {
    return Status::Corrupt(where + ": expected {\"id\":\"<query id>\"}");
  }
  return j["id"].get<std::string>();
}

}  // namespace

Result<QueryCheckpoint> QueryCheckpoint::open(std::shared_ptr<FileSystem> fs, std::string path) {
  QueryCheckpoint cp;
  cp.fs_ = std::move(fs);
  cp.path_ = std::move(path);
  const std::string meta = join_path(cp.path_, "metadata");
  auto text = cp.fs_->read_file(meta);
  if (!text.ok() && text.status().code() != StatusCode::kNotFound) {
    return text.status().with_context("reading the checkpoint " + cp.fs_->describe(meta));
  }
  if (!text.ok()) {
    nlohmann::ordered_json j;
    j["id"] = uuid_v4();
    Status put = cp.fs_->put_if_absent(meta, j.dump() + "\n");
    if (put.ok()) {
      cp.query_id_ = j["id"].get<std::string>();
    } else if (put.code() == StatusCode::kAlreadyExists) {
      // Another instance of the query created it first: use its id.
      LS_ASSIGN_OR_RAISE(std::string again, cp.fs_->read_file(meta));
      LS_ASSIGN_OR_RAISE(cp.query_id_, parse_metadata(again, cp.fs_->describe(meta)));
    } else {
      return put.with_context("creating the checkpoint " + cp.fs_->describe(meta));
    }
  } else {
    LS_ASSIGN_OR_RAISE(cp.query_id_, parse_metadata(*text, cp.fs_->describe(meta)));
  }
  LS_ASSIGN_OR_RAISE(auto files, cp.fs_->list(join_path(cp.path_, "progress")));
  for (const FileInfo& f : files) {
    std::string_view name = f.path;
    name = name.substr(name.find_last_of('/') + 1);
    if (!name.ends_with(".json")) continue;
    name.remove_suffix(5);
    int64_t id = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
    if (ec == std::errc() && end == name.data() + name.size()) {
      cp.next_batch_id_ = std::max(cp.next_batch_id_, id + 1);
    }
  }
  return cp;
}

Status QueryCheckpoint::record(const QueryProgress& progress, std::string_view progress_json) {
  const std::string dir = join_path(path_, "progress");
  std::string text;
  text.reserve(progress_json.size() + 1);
  text.append(progress_json).push_back('\n');
  LS_RETURN_NOT_OK(
      fs_->write_file(join_path(dir, std::to_string(progress.batch_id) + ".json"), text));
  next_batch_id_ = progress.batch_id + 1;
  const int64_t old = progress.batch_id - kProgressRecordsKept;
  if (old >= 0) LS_RETURN_NOT_OK(fs_->delete_file(join_path(dir, std::to_string(old) + ".json")));
  return Status::OK();
}

}  // namespace lakestream::stream_internal
