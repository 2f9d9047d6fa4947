// load_and_filter_job: the original's reader job. Reads the Delta table the streaming job
// wrote, shows it, then shows the rows of one supplier (SupplierId == "19" by default), reading
// only that partition's files. `--counts` prints rows per SupplierId and the dead-letter
// table's row count instead (what `make run` reports).

#include <iostream>
#include <string>

#include "lakestream/batch/show.h"
#include "lakestream/config/config.h"
#include "lakestream/delta/table_reader.h"
#include "meter_utils/meter_utils.h"
#include "meter_utils/storage_options.h"

using namespace lakestream;

namespace {

int fail(const std::string& what, const Status& status) {
  std::cerr << "load_and_filter_job: " << what << ": " << status.to_string() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  ArgParser parser("load_and_filter_job", "Load and Filter Job Sample: read the Delta table",
                   {"configuration/run_args_load_and_filter.conf"});
  meter::add_storage_options(parser, "STREAMING_STORAGE_KEY", "delta/streaming-data/");
  parser.add("--supplier-id").default_value("19").help("the supplier whose rows to show");
  parser.add("--num-rows").default_value(20).help("rows shown per table");
  parser.add("--counts")
      .flag()
      .help("print rows per SupplierId and in the dead-letter table, nothing else");
  Config cfg = parser.parse_or_exit(argc, argv);
  const AzureStorageOptions storage = meter::storage_options_or_exit(cfg, parser.prog());
  const std::string table = meter::table_location(cfg);
  const int num_rows = static_cast<int>(cfg.get_int("num-rows"));

  if (cfg.get_bool("counts")) {
    auto counts = meter::rows_per_supplier(table, storage);
    if (!counts.ok()) return fail("counting " + table, counts.status());
    auto dead = meter::count_rows(table + "_dead_letter", storage);
    if (!dead.ok()) return fail("counting " + table + "_dead_letter", dead.status());
    int64_t sum = 0;
    std::cout << "SupplierId  rows\n";
    for (const auto& [supplier, n] : *counts) {
      std::cout << (supplier.size() < 10 ? std::string(10 - supplier.size(), ' ') : "") << supplier
                << "  " << n << "\n";
      sum += n;
    }
    std::cout << "total rows: " << sum << " in " << counts->size() << " partitions\n"
              << "dead-letter rows: " << *dead << std::endl;
    return 0;
  }

  auto reader = TableReader::open(table, std::nullopt, storage);
  if (!reader.ok()) return fail("opening " + table, reader.status());
  ScanOptions all;
  all.limit = num_rows + 1;  // show() only needs one row beyond what it prints
  auto batch = reader->read_all(all);
  if (!batch.ok()) return fail("reading " + table, batch.status());
  std::cout << "Table " << table << " (version " << reader->snapshot().version() << "):\n";
  show(*batch, num_rows);

  const std::string supplier = cfg.get_string("supplier-id");
  int64_t files_read = 0;
  auto filtered = meter::read_supplier(table, supplier, &files_read, storage);
  if (!filtered.ok()) return fail("reading supplier " + supplier, filtered.status());
  std::cout << "SupplierId == \"" << supplier << "\": " << filtered->num_rows() << " rows from "
            << files_read << " of " << reader->snapshot().files().size() << " files\n";
  show(*filtered, num_rows);
  return 0;
}
