#pragma once
// jobs/meter_utils/storage_options: the storage options streaming_job and load_and_filter_job
// share (the original's --storage-account-name/-key/-container-name and --output-path, plus
// lakestream's --output-root for a local table), and where they put the table and checkpoint.

#include <string>

#include "lakestream/common/status.h"
#include "lakestream/config/config.h"

namespace lakestream::meter {

/// Declare --storage-account-name, --storage-account-key (secret; env `key_env` when not
/// empty), --storage-container-name (default data), --output-path (default `output_path`) and
/// --output-root. The account name and key are required unless --output-root is given, which
/// ArgParser cannot express: check_storage_options() enforces it after parsing.
void add_storage_options(ArgParser& parser, const std::string& key_env,
                         const std::string& output_path);

/// InvalidArgument naming the missing options when neither --output-root nor both storage
/// account options are set.
Status check_storage_options(const Config& config);

/// `<output-root>/<path>` when --output-root is given, else
/// `abfss://<container>@<account>.dfs.core.windows.net/<path>`; trailing slashes dropped.
std::string storage_location(const Config& config, const std::string& path);

/// The table location: storage_location(config, output-path).
std::string table_location(const Config& config);

/// check_storage_options for a job's main(): prints "<prog>: error: <message>" to stderr and
/// exits 2 when it fails.
void check_storage_options_or_exit(const Config& config, const std::string& prog);

}  // namespace lakestream::meter
