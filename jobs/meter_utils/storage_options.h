#pragma once
// jobs/meter_utils/storage_options: the storage options streaming_job and load_and_filter_job
// share (the original's --storage-account-name/-key/-container-name and --output-path, plus
// a connection string, a SAS token, a blob endpoint and lakestream's --output-root), where they
// put the table and checkpoint, and the Azure credentials they give their Session (and the
// table functions of meter_utils.h) before anything opens a table.

#include <string>

#include "lakestream/common/status.h"
#include "lakestream/config/config.h"
#include "lakestream/storage/azure_options.h"

namespace lakestream::meter {

/// Declare --storage-account-name, --storage-account-key (secret; env `key_env` when not
/// empty), --storage-container-name (default data), --storage-connection-string (secret; env
/// AZURE_STORAGE_CONNECTION_STRING), --storage-sas-token (secret; env STREAMING_STORAGE_SAS_TOKEN),
/// --storage-blob-endpoint, --output-path (default `output_path`) and --output-root. Which of
/// them are required depends on the others, which ArgParser cannot express:
/// check_storage_options() enforces it after parsing.
void add_storage_options(ArgParser& parser, const std::string& key_env,
                         const std::string& output_path);

/// The Azure options the storage options give, every given option checked (the messages name
/// the option, never its secret value), and the requirement: unless --output-root names a local
/// directory, an account (--storage-account-name, or the connection string's AccountName) and a
/// credential for it (--storage-account-key, --storage-sas-token, or a connection string for
/// that account).
Result<AzureStorageOptions> azure_storage_options(const Config& config);

/// azure_storage_options(config).status().
Status check_storage_options(const Config& config);

/// The storage account the table lives on: --storage-account-name, else the connection
/// string's AccountName ("" when neither gives one).
std::string storage_account(const Config& config);

/// `<output-root>/<path>` when --output-root is given, else
/// `abfss://<container>@<account>.dfs.core.windows.net/<path>`; trailing slashes dropped.
std::string storage_location(const Config& config, const std::string& path);

/// The table location: storage_location(config, output-path).
std::string table_location(const Config& config);

/// For a job's main(), before anything touches storage: azure_storage_options(), for the job's
/// Session (Session(config, storage)) and table calls. On a bad option prints
/// "<prog>: error: <message>" to stderr and exits 2.
AzureStorageOptions storage_options_or_exit(const Config& config, const std::string& prog);

}  // namespace lakestream::meter
