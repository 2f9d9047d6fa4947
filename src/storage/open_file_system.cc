#include "lakestream/storage/open_file_system.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "lakestream/common/strings.h"
#include "lakestream/storage/azure_file_system.h"
#include "lakestream/storage/azure_options.h"
#include "lakestream/storage/local_file_system.h"

namespace lakestream {

Result<std::pair<std::shared_ptr<FileSystem>, std::string>> open_file_system(std::string_view uri) {
  return open_file_system(uri, AzureStorageOptions{});
}

Result<std::pair<std::shared_ptr<FileSystem>, std::string>> open_file_system(
    std::string_view uri, const AzureStorageOptions& azure) {
  if (uri.empty()) return Status::InvalidArgument("empty table location");
  // A scheme is letters, digits, '+', '-', '.' before ':' (RFC 3986), starting with a letter.
  size_t colon = uri.find(':');
  bool has_scheme = colon != std::string_view::npos && colon > 0 &&
                    std::isalpha(static_cast<unsigned char>(uri[0]));
  for (size_t i = 0; has_scheme && i < colon; ++i) {
    char c = uri[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      has_scheme = false;
    }
  }
  std::string path;
  if (has_scheme) {
    std::string scheme(uri.substr(0, colon));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (is_azure_scheme(scheme)) return open_azure_file_system(uri, azure);
    if (scheme != "file") {
      // Only the scheme is named: the rest of a URI may carry a SAS token.
      return Status::NotImplemented("storage scheme '" + scheme +
                                    "' is not supported yet (local paths and file:// only)");
    }
    std::string_view rest = uri.substr(colon + 1);
    if (rest.starts_with("//")) {
      rest.remove_prefix(2);
      size_t slash = rest.find('/');
      std::string_view host = rest.substr(0, slash);
      if (!host.empty() && host != "localhost") {
        return Status::InvalidArgument("file URI with host '" + std::string(host) +
                                       "': only local files are supported");
      }
      rest = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
    }
    if (!rest.starts_with("/")) {
      return Status::InvalidArgument("file URI must hold an absolute path");
    }
    size_t cut = rest.find_first_of("?#");
    if (cut != std::string_view::npos) rest = rest.substr(0, cut);
    size_t bad_at = 0;
    std::optional<std::string> decoded = percent_decode(rest, &bad_at);
    if (!decoded) {
      return Status::InvalidArgument("bad percent escape in file URI at character " +
                                     std::to_string(bad_at));
    }
    path = std::move(*decoded);
  } else {
    path = std::string(uri);
  }
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  std::shared_ptr<FileSystem> fs;
  if (path.front() == '/') {
    fs = std::make_shared<LocalFileSystem>("/");
    path.erase(0, path.find_first_not_of('/'));  // "/" alone erases everything: the root
  } else {
    fs = std::make_shared<LocalFileSystem>(".");
  }
  std::pair<std::shared_ptr<FileSystem>, std::string> out{std::move(fs), std::move(path)};
  return out;
}

}  // namespace lakestream
