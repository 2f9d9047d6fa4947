#include "lakestream/delta/snapshot.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "lakestream/delta/checkpoint.h"
#include "lakestream/delta/column_mapping.h"
#include "lakestream/delta/partition.h"

namespace lakestream {
namespace {

/// Reader features this reader applies (deletion vectors) or whose data it reads correctly
/// without doing anything special.
bool supported_reader_feature(const std::string& feature) {
  // variantType: variant columns read as their JSON text (parquet/variant.h); typeWidening:
  // values of files written before a widening read in the table's type (delta/column_mapping.h).
  // v2Checkpoint: UUID-named checkpoints, checkpointMetadata and sidecars are read
  // (checkpoint_reader.cc).
  return feature == "timestampNtz" || feature == "vacuumProtocolCheck" ||
         feature == "v2Checkpoint" || feature == "checkpointProtection" ||
         feature == "deletionVectors" || feature == "variantType" ||
         feature == "variantType-preview" || feature == "typeWidening" ||
         feature == "typeWidening-preview";
}

}  // namespace

Result<std::string> resolve_log_path(const std::string& table_path, const std::string& decoded) {
  const size_t colon = decoded.find(':');
  const size_t slash = decoded.find('/');
  const bool has_scheme =
      colon != std::string::npos && colon > 0 && (slash == std::string::npos || colon < slash);
  std::string path;
  if (!has_scheme) {
    // A path without a scheme is absolute on the table's file system when it starts with '/'
    // (Spark qualifies it against the table's scheme and authority), else table-relative.
    path = decoded.starts_with('/') ? decoded : join_path(table_path, decoded);
  } else {
    std::string scheme = decoded.substr(0, colon);
    if (scheme != "file") {
      return Status::NotImplemented("data file with an absolute '" + scheme +
                                    ":' URI: only table-relative paths and file: URIs are read");
    }
    path = decoded.substr(colon + 1);
    // file:///abs, file://localhost/abs and file:/abs all name /abs.
    if (path.starts_with("//")) {
      size_t path_start = path.find('/', 2);
      path = path_start == std::string::npos ? "/" : path.substr(path_start);
    }
  }
  // One spelling per file: no doubled or trailing '/', no "." segments, and a leading '/' only
  // when the table path has one (a FileSystem ignores it). ".." is left for the FileSystem to
  // refuse.
  std::string out = table_path.starts_with('/') ? "/" : "";
  out.reserve(path.size());
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string::npos) end = path.size();
    std::string_view segment(path.data() + pos, end - pos);
    if (!segment.empty() && segment != ".") {
      if (!out.empty() && out != "/") out.push_back('/');
      out.append(segment);
    }
    pos = end + 1;
  }
  return out;
}

Status check_reader_protocol(const ProtocolAction& protocol, const MetadataAction* metadata,
                             const std::string& where) {
  if (protocol.min_reader_version > 3 || protocol.min_reader_version < 1) {
    return Status::NotImplemented("the Delta table at " + where + " needs reader version " +
                                  std::to_string(protocol.min_reader_version) +
                                  "; lakestream reads versions 1 to 3");
  }
  if (metadata) {
    // Column mapping (name and id) is read through delta/column_mapping.h; another mode is not.
    auto mode = column_mapping_mode(*metadata);
    if (!mode.ok()) return mode.status().with_context("the Delta table at " + where);
  }
  if (protocol.min_reader_version == 3) {
    for (const std::string& feature : protocol.reader_features) {
      if (feature == "columnMapping" || supported_reader_feature(feature)) continue;
      return Status::NotImplemented("the Delta table at " + where + " uses the reader feature " +
                                    feature + ", which lakestream does not support");
    }
  }
  return Status::OK();
}

Result<LogSegment> find_log_segment(FileSystem& fs, const std::string& table_path,
                                    std::optional<int64_t> version) {
  const std::string log_dir = join_path(table_path, "_delta_log");
  LS_ASSIGN_OR_RAISE(auto files, fs.list(log_dir));
  std::set<int64_t> commits;
  // version -> parts -> part numbers seen
  std::map<int64_t, std::map<int, std::set<int>>> checkpoints;
  // version -> UUID-named (v2) checkpoint files: each complete by itself
  std::map<int64_t, std::set<std::string>> uuid_checkpoints;
  for (const FileInfo& f : files) {
    if (auto v = commit_file_version(f.path)) {
      commits.insert(*v);
      continue;
    }
    int part = 1;
    if (auto ref = checkpoint_file_ref(f.path, &part)) {
      if (!ref->uuid_file.empty()) {
        uuid_checkpoints[ref->version].insert(std::move(ref->uuid_file));
      } else {
        checkpoints[ref->version][ref->num_parts].insert(part);
      }
    }
  }
  // _last_checkpoint names the newest checkpoint; the listing above already shows every
  // checkpoint, so it only matters when it names one the listing misses (a store that lists
  // lazily): then it is stale or ahead of the listing and we trust the listing.
  LogSegment seg;
  int64_t newest = -1;
  if (!commits.empty()) newest = *commits.rbegin();
  if (!checkpoints.empty()) newest = std::max(newest, checkpoints.rbegin()->first);
  if (!uuid_checkpoints.empty()) newest = std::max(newest, uuid_checkpoints.rbegin()->first);
  if (newest < 0) {
    if (version) {
      return Status::NotFound("no Delta table at " + fs.describe(table_path) +
                              " (no commit in _delta_log)");
    }
    return seg;
  }
  const int64_t target = version.value_or(newest);
  if (target < 0 || target > newest) {
    return Status::NotFound("version " + std::to_string(target) + " of the Delta table at " +
                            fs.describe(table_path) + " does not exist (the newest is " +
                            std::to_string(newest) + ")");
  }
  // The newest checkpoint at or below the target. Several may exist for one version (a
  // UUID-named v2 one and a classic one, as v2 writers leave for older clients): they hold the
  // same state, and the UUID-named one is taken (the first by name, so the choice is stable).
  auto newest_complete = [&]() -> std::optional<CheckpointRef> {
    auto classic = checkpoints.rbegin();
    auto uuid = uuid_checkpoints.rbegin();
    auto skip = [&](auto& it, auto end) {
      while (it != end && it->first > target) ++it;
    };
    skip(classic, checkpoints.rend());
    skip(uuid, uuid_checkpoints.rend());
    while (classic != checkpoints.rend() || uuid != uuid_checkpoints.rend()) {
      const bool take_uuid = uuid != uuid_checkpoints.rend() &&
                             (classic == checkpoints.rend() || uuid->first >= classic->first);
      if (take_uuid) return CheckpointRef{uuid->first, 1, *uuid->second.begin()};
      for (const auto& [parts, seen] : classic->second) {
        if (static_cast<int>(seen.size()) == parts) return CheckpointRef{classic->first, parts, ""};
      }
      ++classic;  // incomplete multi-part checkpoints are ignored
    }
    return std::nullopt;
  };
  seg.checkpoint = newest_complete();
  const int64_t first = seg.checkpoint ? seg.checkpoint->version + 1 : 0;
  for (int64_t v = first; v <= target; ++v) {
    if (!commits.count(v)) {
      if (!seg.checkpoint && v == 0 && !commits.empty()) {
        return Status::NotFound("version " + std::to_string(target) + " of the Delta table at " +
                                fs.describe(table_path) + " cannot be rebuilt: commits before " +
                                std::to_string(*commits.begin()) +
                                " were cleaned up and no checkpoint covers it");
      }
      return Status::Corrupt("the log at " + fs.describe(log_dir) + " misses commit " +
                             std::to_string(v) + " (needed for version " + std::to_string(target) +
                             ")");
    }
    seg.commits.push_back(v);
  }
  seg.version = target;
  return seg;
}

Result<Snapshot> Snapshot::load(std::shared_ptr<FileSystem> fs, std::string table_path,
                                std::optional<int64_t> version) {
  Snapshot snap;
  snap.fs_ = std::move(fs);
  snap.table_path_ = std::move(table_path);
  FileSystem& fsr = *snap.fs_;
  const std::string where = fsr.describe(snap.table_path_);
  LS_ASSIGN_OR_RAISE(LogSegment seg, find_log_segment(fsr, snap.table_path_, version));
  snap.domain_metadata_.clear();
  if (seg.version < 0) {
    return Status::NotFound("no Delta table at " + where + " (no commit in _delta_log)");
  }
  std::optional<ProtocolAction> protocol;
  std::optional<MetadataAction> metadata;
  // Keyed by the file's canonical path: the same file may be spelled with different escapes,
  // relative or absolute, with or without file:.
  auto canonical_path = [&](const std::string& uri_path) -> Result<std::string> {
    LS_ASSIGN_OR_RAISE(std::string decoded, decode_add_path(uri_path));
    return resolve_log_path(snap.table_path_, decoded);
  };
  std::unordered_map<std::string, AddFile> live;
  std::unordered_map<std::string, RemoveFile> tombstones;
  auto apply = [&](CommitActions&& actions) -> Status {
    if (actions.protocol) protocol = std::move(actions.protocol);
    if (actions.metadata) metadata = std::move(actions.metadata);
    apply_domain_metadata(snap.domain_metadata_, actions.domain_metadata);
    for (TxnAction& t : actions.txns) snap.txn_versions_[t.app_id] = t.version;
    for (RemoveFile& r : actions.removes) {
      LS_ASSIGN_OR_RAISE(std::string key, canonical_path(r.path));
      live.erase(key);
      tombstones[key] = std::move(r);
    }
    for (AddFile& a : actions.adds) {
      LS_ASSIGN_OR_RAISE(std::string key, canonical_path(a.path));
      tombstones.erase(key);
      live[key] = std::move(a);
    }
    return Status::OK();
  };
  if (seg.checkpoint) {
    LS_ASSIGN_OR_RAISE(CommitActions base, read_checkpoint(fsr, snap.table_path_, *seg.checkpoint));
    LS_RETURN_NOT_OK(apply(std::move(base)));
  }
  for (int64_t v : seg.commits) {
    const std::string path = join_path(snap.table_path_, commit_file_path(v));
    LS_ASSIGN_OR_RAISE(std::string text, fsr.read_file(path));
    LS_ASSIGN_OR_RAISE(CommitActions actions, parse_commit(text, fsr.describe(path)));
    LS_RETURN_NOT_OK(apply(std::move(actions)));
  }
  if (!protocol) return Status::Corrupt("the Delta table at " + where + " has no protocol action");
  if (!metadata) return Status::Corrupt("the Delta table at " + where + " has no metaData action");
  LS_RETURN_NOT_OK(check_reader_protocol(*protocol, &*metadata, where));
  auto schema = Schema::from_json(metadata->schema_string);
  if (!schema.ok()) return schema.status().with_context("schemaString of " + where);
  for (const std::string& column : metadata->partition_columns) {
    if (!schema->has_field(column)) {
      return Status::Corrupt("the Delta table at " + where + " is partitioned by '" + column +
                             "', which is not in its schema");
    }
  }
  snap.schema_ = std::move(*schema);
  snap.protocol_ = std::move(*protocol);
  snap.metadata_ = std::move(*metadata);
  snap.version_ = seg.version;
  snap.checkpoint_ = seg.checkpoint;
  snap.commits_replayed_ = static_cast<int64_t>(seg.commits.size());
  snap.files_.reserve(live.size());
  for (auto& [key, add] : live) snap.files_.push_back(LiveFile{std::move(add), key});
  std::sort(snap.files_.begin(), snap.files_.end(),
            [](const LiveFile& a, const LiveFile& b) { return a.path < b.path; });
  snap.tombstones_.reserve(tombstones.size());
  for (auto& [key, remove] : tombstones) snap.tombstones_.push_back(std::move(remove));
  std::sort(snap.tombstones_.begin(), snap.tombstones_.end(),
            [](const RemoveFile& a, const RemoveFile& b) { return a.path < b.path; });
  return snap;
}

void apply_domain_metadata(std::map<std::string, DomainMetadataAction>& domains,
                           std::vector<DomainMetadataAction>& actions) {
  for (DomainMetadataAction& d : actions) {
    if (d.removed) {
      domains.erase(d.domain);
    } else {
      std::string name = d.domain;
      domains[std::move(name)] = std::move(d);
    }
  }
}

const DomainMetadataAction* Snapshot::domain(const std::string& name) const {
  auto it = domain_metadata_.find(name);
  return it == domain_metadata_.end() ? nullptr : &it->second;
}

std::optional<int64_t> Snapshot::txn_version(const std::string& app_id) const {
  auto it = txn_versions_.find(app_id);
  if (it == txn_versions_.end()) return std::nullopt;
  return it->second;
}

int64_t Snapshot::total_bytes() const {
  int64_t total = 0;
  for (const LiveFile& f : files_) total += f.add.size;
  return total;
}

std::optional<int64_t> Snapshot::total_rows() const {
  int64_t total = 0;
  for (const LiveFile& f : files_) {
    auto n = live_rows(f.add);
    if (!n) return std::nullopt;
    total += *n;
  }
  return total;
}

Result<std::vector<HistoryEntry>> read_history(FileSystem& fs, const std::string& table_path,
                                               int64_t limit) {
  const std::string log_dir = join_path(table_path, "_delta_log");
  LS_ASSIGN_OR_RAISE(auto files, fs.list(log_dir));
  std::vector<int64_t> versions;
  for (const FileInfo& f : files) {
    if (auto v = commit_file_version(f.path)) versions.push_back(*v);
  }
  if (versions.empty()) {
    return Status::NotFound("no Delta table at " + fs.describe(table_path) +
                            " (no commit in _delta_log)");
  }
  std::sort(versions.rbegin(), versions.rend());
  std::vector<HistoryEntry> out;
  for (int64_t v : versions) {
    if (limit >= 0 && static_cast<int64_t>(out.size()) >= limit) break;
    const std::string path = join_path(table_path, commit_file_path(v));
    LS_ASSIGN_OR_RAISE(std::string text, fs.read_file(path));
    LS_ASSIGN_OR_RAISE(CommitActions actions, parse_commit(text, fs.describe(path)));
    HistoryEntry entry;
    entry.version = v;
    if (actions.commit_info) entry.info = std::move(*actions.commit_info);
    out.push_back(std::move(entry));
  }
  return out;
}

std::optional<int64_t> live_rows(const AddFile& add) {
  auto n = stats_num_records(add.stats);
  if (n && add.deletion_vector) *n -= add.deletion_vector->cardinality;
  return n;
}

std::optional<int64_t> stats_num_records(std::string_view stats_json) {
  if (stats_json.empty()) return std::nullopt;
  auto parsed = nlohmann::json::parse(stats_json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return std::nullopt;
  auto it = parsed.find("numRecords");
  if (it == parsed.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

}  // namespace lakestream
