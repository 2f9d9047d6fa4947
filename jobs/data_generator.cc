// data_generator: the original's generator notebook as a program. Spark's rate source gives
// `rows-per-second` rows (value, timestamp); each becomes a meter message (v = value * 3019,
// MeterId v % 127, SupplierId v % 23, Value v % 59, Unit kWH, ObservationTime = timestamp),
// serialised as JSON and sent to the Event Hub keyed by MeterId (so the events spread over the
// hub's partitions). Each stage is previewed on the console first, as the notebook did.
//
//   data_generator --output-eh-connection-string "Endpoint=sb://...;EntityPath=input"
//       --rows-per-second 1000 --total-events 30000

#include <atomic>
#include <iostream>
#include <memory>
#include <string>

#include "lakestream/config/config.h"
#include "lakestream/stream/session.h"
#include "meter_utils/hub_producer.h"
#include "meter_utils/meter_utils.h"

using namespace lakestream;

namespace {

int fail(const std::string& what, const Status& status) {
  std::cerr << "data_generator: " << what << ": " << status.to_string() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  ArgParser parser("data_generator", "Data Generator Sample: meter readings -> Event Hubs",
                   {"configuration/run_args_data_generator.conf"});
  parser.add("--output-eh-connection-string")
      .required()
      .secret()
      .env("GENERATOR_OUTPUT_EH_CONNECTION_STRING")
      .help("Event Hubs connection string of the hub to send to (EntityPath names the hub)");
  parser.add("--rows-per-second").default_value(10).positive().help("events generated per second");
  parser.add("--total-events")
      .default_value(0)
      .non_negative()
      .help("stop after this many events (0: never)");
  parser.add("--preview-seconds")
      .default_value(3)
      .non_negative()
      .help("preview each stage on the console this long first (0: no preview)");
  Config cfg = parser.parse_or_exit(argc, argv);
  const int64_t rows_per_second = cfg.get_int("rows-per-second");
  const int64_t total = cfg.get_int("total-events");
  const int64_t preview_seconds = cfg.get_int("preview-seconds");
  std::cout << cfg.dump() << std::flush;

  // Connect first: a bad connection string fails before any preview.
  auto producer = meter::HubProducer::create(cfg.get_string("output-eh-connection-string"));
  if (!producer.ok()) return fail("connecting", producer.status());

  Session session(cfg);
  DataStream rate =
      session.read_stream().format("rate").option("rows-per-second", rows_per_second).load();
  DataStream meters = rate.transform("meter message", meter::meter_schema(), meter::map_rate_batch);
  DataStream events = meters.transform("to_json", meter::json_batch_schema(), meter::to_json_batch);
  if (preview_seconds > 0) {
    for (const DataStream* stage : {&rate, &meters, &events}) {
      const Status st = preview_stream(*stage, static_cast<double>(preview_seconds));
      if (!st.ok()) return fail("previewing", st);
    }
  }

  meter::HubProducer& out = **producer;
  std::atomic<int64_t> sent{0};
  std::atomic<bool> done{false};
  auto query = events.write_stream()
                   .format("foreach-batch")
                   .trigger(Trigger::processing_time("100 milliseconds"))
                   .option("progress-log", "none")
                   .foreach_batch([&](const RecordBatch& batch, int64_t) -> Status {
                     const Column& key = *batch.column(0);
                     const Column& body = *batch.column(1);
                     for (int64_t r = 0; r < batch.num_rows(); ++r) {
                       if (total > 0 && sent.load() >= total) break;
                       LS_RETURN_NOT_OK(out.send(key.string_value(r), body.string_value(r)));
                       sent.fetch_add(1);
                     }
                     if (total > 0 && sent.load() >= total) done.store(true);
                     return Status::OK();
                   })
                   .start();
  if (!query.ok()) return fail("starting", query.status());
  stop_on_signals(*query);
  std::cout << "Sending " << rows_per_second << " events/s to " << out.describe()
            << (total > 0 ? " (" + std::to_string(total) + " in all)" : std::string()) << "\n"
            << std::flush;

  Result<bool> ended = false;
  while (!done.load()) {
    ended = query->await_termination(0.2);
    if (!ended.ok() || *ended) break;
  }
  query->stop();
  const Status flushed = out.flush();
  if (!ended.ok()) return fail("generating", ended.status());
  if (!flushed.ok()) return fail("sending", flushed);
  std::cout << "Sent " << out.delivered() << " events." << std::endl;
  return 0;
}
