#include "lakestream/delta/clustering.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace lakestream {
namespace {

std::string dotted(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& p : path) {
    if (!out.empty()) out.push_back('.');
    out += p;
  }
  return out;
}

}  // namespace

bool is_clustered(const ProtocolAction& protocol) {
  return protocol.min_writer_version >= 7 &&
         std::find(protocol.writer_features.begin(), protocol.writer_features.end(),
                   "clustering") != protocol.writer_features.end();
}

Result<std::vector<std::vector<std::string>>> clustering_columns(
    const std::map<std::string, DomainMetadataAction>& domains) {
  std::vector<std::vector<std::string>> out;
  auto it = domains.find(kClusteringDomain);
  if (it == domains.end()) return out;
  auto bad = [&] {
    return Status::Corrupt("the domainMetadata of " + std::string(kClusteringDomain) +
                           " is not {\"clusteringColumns\":[...]}: '" + it->second.configuration +
                           "'");
  };
  const auto config = nlohmann::json::parse(it->second.configuration, nullptr, false);
  if (!config.is_object()) return bad();
  auto columns = config.find("clusteringColumns");
  if (columns == config.end() || !columns->is_array()) return bad();
  for (const auto& column : *columns) {
    std::vector<std::string> path;
    if (column.is_string()) {
      path.push_back(column.get<std::string>());
    } else if (column.is_array() && !column.empty()) {
      for (const auto& part : column) {
        if (!part.is_string()) return bad();
        path.push_back(part.get<std::string>());
      }
    } else {
      return bad();
    }
    out.push_back(std::move(path));
  }
  return out;
}

Status check_clustering_stats(const std::vector<AddFile>& adds,
                              const std::vector<std::vector<std::string>>& columns,
                              const std::string& where) {
  if (columns.empty()) return Status::OK();
  for (const AddFile& add : adds) {
    const auto stats = nlohmann::json::parse(add.stats, nullptr, false);
    auto missing = [&](const std::string& what) {
      return Status::InvalidArgument(
          "the Delta table at " + where + " is clustered, and the file " + add.path +
          " has no statistics for " + what + ": clustered tables need them on every file");
    };
    if (!stats.is_object() || !stats.contains("numRecords")) return missing("its rows");
    for (const std::vector<std::string>& path : columns) {
      const nlohmann::json* node = nullptr;
      if (auto nulls = stats.find("nullCount"); nulls != stats.end()) node = &*nulls;
      for (const std::string& part : path) {
        if (!node || !node->is_object()) {
          node = nullptr;
          break;
        }
        auto next = node->find(part);
        node = next == node->end() ? nullptr : &*next;
      }
      if (!node) return missing("the clustering column " + dotted(path));
    }
  }
  return Status::OK();
}

}  // namespace lakestream
