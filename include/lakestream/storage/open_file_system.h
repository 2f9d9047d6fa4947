#pragma once
// storage/open_file_system: the file system a table location lives on, from its URI: a local
// path or file:// URI (LocalFileSystem) or an Azure URI (AzureFileSystem).
//
//   LS_ASSIGN_OR_RAISE(auto opened, open_file_system("file:///data/tables/meters"));
//   auto& [fs, path] = opened;   // fs rooted at "/", path "data/tables/meters"

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "lakestream/common/status.h"
#include "lakestream/storage/azure_options.h"
#include "lakestream/storage/file_system.h"

namespace lakestream {

/// Open the file system a table URI lives on and the path of the table within it.
/// Local paths ("/data/t", "rel/t") and file URIs ("file:///data/t", "file:/data/t",
/// "file://localhost/data/t") give a LocalFileSystem rooted at "/" (absolute) or "." (relative)
/// and the rest of the path. Azure URIs (abfss://, abfs://, wasbs://, https://, http://) give an
/// AzureFileSystem over the container (storage/azure_file_system.h) with the credentials in
/// `azure` (a key, SAS or connection string for the account, as a Session or a table handle
/// holds them), else AZURE_STORAGE_CONNECTION_STRING or a SAS in the URI; and the path within
/// it. There are no process-wide credentials: two calls with different options reach two
/// accounts. Other schemes are NotImplemented, naming the scheme.
Result<std::pair<std::shared_ptr<FileSystem>, std::string>> open_file_system(
    std::string_view uri, const AzureStorageOptions& azure);
/// The same with no credentials of the caller's: the environment's or the URI's only.
Result<std::pair<std::shared_ptr<FileSystem>, std::string>> open_file_system(std::string_view uri);

}  // namespace lakestream
