#pragma once
// source/kafka_endpoint: where a Kafka-protocol consumer connects and how, from an Event Hubs
// connection string, an emulator connection string, or a plain Kafka address. The result is
// the list of librdkafka settings (bootstrap, security, Azure's recommended client settings)
// plus the topic. Parsing never opens a connection, and no message or description made here
// shows a secret (SharedAccessKey, SharedAccessSignature, sasl.password).
//
// Accepted forms (docs/event-hubs.md has the details):
//   Endpoint=sb://<ns>.servicebus.windows.net/;SharedAccessKeyName=<n>;SharedAccessKey=<k>;EntityPath=<hub>
//       → <ns>.servicebus.windows.net:9093, SASL_SSL, PLAIN, $ConnectionString / the whole string
//   Endpoint=sb://localhost[:port];...;UseDevelopmentEmulator=true;EntityPath=<hub>
//       → localhost:<port or 9092>, PLAINTEXT (the Event Hubs emulator and `lakestream hub`)
//   kafka://host:port[,host:port...]/<topic>
//       → those bootstrap servers, PLAINTEXT unless `lakestream.kafka.*` settings say otherwise

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lakestream/common/status.h"

namespace lakestream {

/// One librdkafka configuration property.
using KafkaProperty = std::pair<std::string, std::string>;

/// A resolved connection target: bootstrap servers, topic and the librdkafka settings that
/// reach it. `properties` may hold a secret (sasl.password): show describe(), never them.
struct KafkaEndpoint {
  enum class Kind {
    kEventHubs,          ///< Azure Event Hubs' Kafka endpoint (SASL_SSL on port 9093)
    kEventHubsEmulator,  ///< UseDevelopmentEmulator=true: plaintext on localhost (or given host)
    kKafka,              ///< a plain Kafka broker list
  };
  Kind kind = Kind::kKafka;
  std::string bootstrap_servers;  ///< "host:port[,host:port...]"
  std::string topic;              ///< EntityPath / the Kafka topic ("" when not given)
  std::string key_name;           ///< SharedAccessKeyName ("" when none); not a secret
  /// librdkafka settings in the order they are applied (later ones win), endpoint settings
  /// and Azure's recommended ones first. Includes bootstrap.servers.
  std::vector<KafkaProperty> properties;

  /// "eventhubs sb://ns.servicebus.windows.net/input (SASL_SSL, key name Listen)",
  /// "eventhubs-emulator 127.0.0.1:9092/input (PLAINTEXT)", "kafka b1:9092,b2:9092/topic".
  /// Never shows a key.
  std::string describe() const;
  /// The value of a property as it will be applied (the last one set), or "" when unset.
  std::string property(std::string_view name) const;
  /// Append or replace a property (keeps the first position of a replaced name).
  void set_property(std::string name, std::string value);
};

/// Parse an Event Hubs connection string (`Key=Value` segments separated by `;`, key names
/// case-insensitive, unknown keys ignored as the Azure SDKs do). Fails with InvalidArgument
/// naming the wrong part — a segment without '=', a repeated key, a missing or non-`sb://`
/// Endpoint, a missing SharedAccessKey/SharedAccessSignature (not needed by the emulator), a
/// SharedAccessKey without SharedAccessKeyName, a bad UseDevelopmentEmulator value or port —
/// with the string shown through redact_connection_string. A missing EntityPath is allowed
/// here (topic ""): resolve_kafka_endpoint() insists on a topic.
Result<KafkaEndpoint> parse_event_hubs_connection_string(std::string_view text);

/// Parse `kafka://host:port[,host:port...]/<topic>` (topic optional). A host without a port
/// gets 9092.
Result<KafkaEndpoint> parse_kafka_url(std::string_view text);

/// Either form, chosen by its start (`kafka://` or `Endpoint=`, case-insensitive).
Result<KafkaEndpoint> parse_connection(std::string_view text);

/// The endpoint a source or the CLI uses: from `connection` (either form; may be empty when
/// `bootstrap_servers` is given), with `topic` filling in (or, when both are given, having to
/// agree with) the EntityPath / URL topic. Fails when there is no topic or no server.
Result<KafkaEndpoint> resolve_kafka_endpoint(std::string_view connection,
                                             std::string_view bootstrap_servers,
                                             std::string_view topic);

/// The Azure Event Hubs recommended librdkafka settings applied to every Event Hubs endpoint
/// (keepalive, metadata age, idle-connection close, consumer session and heartbeat, request
/// timeout). The emulator gets the same except a 6 s session (librdkafka's mock holds a
/// rebalance for the session timeout − 1 s).
const std::vector<KafkaProperty>& event_hubs_recommended_properties();

}  // namespace lakestream
