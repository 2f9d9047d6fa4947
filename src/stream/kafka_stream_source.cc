// The "eventhubs" / "kafka" reader formats. The librdkafka source lives in module `source`;
// until its adapter to StreamSource is written here, these formats report NotImplemented.

#include "lakestream/stream/session.h"

namespace lakestream {

Result<std::unique_ptr<StreamSource>> make_kafka_stream_source(
    const std::string& format, const std::map<std::string, std::string>&, const Config&) {
  return Status::NotImplemented("read_stream format '" + format +
                                "': the Event Hubs / Kafka source is not in this build yet");
}

}  // namespace lakestream
