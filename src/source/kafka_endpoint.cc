#include "lakestream/source/kafka_endpoint.h"

#include <array>
#include <cctype>
#include <charconv>
#include <optional>

#include "lakestream/common/redact.h"
#include "lakestream/common/strings.h"

namespace lakestream {
namespace {

constexpr std::string_view kEventHubsKafkaPort = "9093";
constexpr std::string_view kEmulatorKafkaPort = "9092";
constexpr std::string_view kKafkaDefaultPort = "9092";

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

bool valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  int value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc() && ptr == port.data() + port.size() && value > 0 && value <= 65535;
}

struct Segment {
  std::string_view key;  // trimmed; empty when the segment has no '='
  std::string_view value;
};

// The connection string as the user can be shown it: segments rebuilt as Key=Value (so the
// shared redactor sees every secret key at a segment start), a segment without '=' replaced
// by a placeholder because it may be a bare secret pasted in the wrong place.
std::string display(const std::vector<Segment>& segments) {
  std::string rebuilt;
  for (const Segment& s : segments) {
    if (!rebuilt.empty()) rebuilt.push_back(';');
    if (s.key.empty()) {
      rebuilt.append("<segment without '='>");
    } else {
      rebuilt.append(s.key).push_back('=');
      rebuilt.append(s.value);
    }
  }
  return redact_connection_string(rebuilt);
}

Status refuse(const std::vector<Segment>& segments, std::string_view what) {
  return Status::InvalidArgument("Event Hubs connection string '" + display(segments) +
                                 "': " + std::string(what));
}

const Segment* find(const std::vector<Segment>& segments, std::string_view key) {
  for (const Segment& s : segments) {
    if (iequals(s.key, key)) return &s;
  }
  return nullptr;
}

constexpr std::array<std::string_view, 6> kKnownKeys = {
    "Endpoint",   "SharedAccessKeyName",   "SharedAccessKey",
    "EntityPath", "SharedAccessSignature", "UseDevelopmentEmulator"};

bool known_key(std::string_view key) {
  for (std::string_view k : kKnownKeys) {
    if (iequals(k, key)) return true;
  }
  return false;
}

bool identifier(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') return false;
  }
  return true;
}

// Unrecognised key names, to hint at a misspelling when a required key is missing.
std::string unrecognised_keys(const std::vector<Segment>& segments) {
  std::string names;
  for (const Segment& s : segments) {
    if (s.key.empty() || known_key(s.key)) continue;
    if (!names.empty()) names.append(", ");
    names.append(s.key);
  }
  return names.empty() ? std::string() : " (unrecognised keys: " + names + ")";
}

// host[:port] as written after sb:// (a trailing '/' and any path are dropped).
struct HostPort {
  std::string_view host;
  std::string_view port;  // "" when not given
};

std::optional<HostPort> split_host_port(std::string_view authority) {
  HostPort hp;
  if (!authority.empty() && authority.front() == '[') {  // [ipv6]:port
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    hp.host = authority.substr(0, close + 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      hp.port = rest.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    hp.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) hp.port = authority.substr(colon + 1);
    if (colon != std::string_view::npos && hp.port.empty()) return std::nullopt;
  }
  if (hp.host.empty()) return std::nullopt;
  return hp;
}

void apply_recommended(KafkaEndpoint& ep, bool emulator) {
  for (const KafkaProperty& p : event_hubs_recommended_properties()) {
    if (emulator && p.first == "session.timeout.ms") {
      ep.set_property(p.first, "6000");
    } else if (emulator && p.first == "heartbeat.interval.ms") {
      ep.set_property(p.first, "1000");
    } else {
      ep.set_property(p.first, p.second);
    }
  }
}

}  // namespace

const std::vector<KafkaProperty>& event_hubs_recommended_properties() {
  // Microsoft's "Recommended configurations for Apache Kafka clients" (librdkafka section):
  // Azure closes idle TCP connections after 240 s, so keepalive plus metadata refresh and
  // idle close below that; a 30 s session and 60 s request timeout avoid needless rebalances.
  static const std::vector<KafkaProperty> kProperties = {
      {"socket.keepalive.enable", "true"},   {"metadata.max.age.ms", "180000"},
      {"connections.max.idle.ms", "180000"}, {"session.timeout.ms", "30000"},
      {"heartbeat.interval.ms", "3000"},     {"max.poll.interval.ms", "300000"},
      {"socket.timeout.ms", "60000"},
  };
  return kProperties;
}

std::string KafkaEndpoint::property(std::string_view name) const {
  for (auto it = properties.rbegin(); it != properties.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return {};
}

void KafkaEndpoint::set_property(std::string name, std::string value) {
  for (KafkaProperty& p : properties) {
    if (p.first == name) {
      p.second = std::move(value);
      return;
    }
  }
  properties.emplace_back(std::move(name), std::move(value));
}

std::string KafkaEndpoint::describe() const {
  std::string security = property("security.protocol");
  if (security.empty()) security = "PLAINTEXT";
  std::string out;
  switch (kind) {
    case Kind::kEventHubs:
      out = "eventhubs " + bootstrap_servers + "/" + topic + " (" + security;
      if (!key_name.empty()) out += ", key name " + key_name;
      return out + ")";
    case Kind::kEventHubsEmulator:
      return "eventhubs-emulator " + bootstrap_servers + "/" + topic + " (" + security + ")";
    case Kind::kKafka:
      return "kafka " + bootstrap_servers + "/" + topic + " (" + security + ")";
  }
  return out;
}

Result<KafkaEndpoint> parse_event_hubs_connection_string(std::string_view text) {
  std::vector<Segment> segments;
  for (const std::string_view raw : split_trimmed(text, ';')) {
    if (raw.empty()) continue;  // "a=b;;" and the usual trailing ';'
    size_t eq = raw.find('=');
    Segment seg;
    if (eq != std::string_view::npos) seg = {trim(raw.substr(0, eq)), trim(raw.substr(eq + 1))};
    // A bare base64 secret pasted in the wrong place ends in '=' and looks like "Key=": only
    // an identifier with a value, or a known key, counts as Key=Value, so it is never echoed.
    if (!known_key(seg.key) && (seg.value.empty() || !identifier(seg.key))) seg = {};
    segments.push_back(seg);
  }
  if (segments.empty()) {
    return Status::InvalidArgument("Event Hubs connection string is empty");
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].key.empty()) {
      return refuse(segments, "segment " + std::to_string(i + 1) +
                                  " is not Key=Value (segments are separated by ';')");
    }
    for (size_t j = 0; j < i; ++j) {
      if (iequals(segments[i].key, segments[j].key)) {
        return refuse(segments, "key " + std::string(segments[i].key) + " is given twice");
      }
    }
  }

  bool emulator = false;
  if (const Segment* s = find(segments, "UseDevelopmentEmulator")) {
    if (iequals(s->value, "true")) {
      emulator = true;
    } else if (!iequals(s->value, "false")) {
      return refuse(segments, "UseDevelopmentEmulator must be true or false, not '" +
                                  std::string(s->value) + "'");
    }
  }

  const Segment* endpoint = find(segments, "Endpoint");
  if (endpoint == nullptr || endpoint->value.empty()) {
    return refuse(segments,
                  "missing Endpoint (expected Endpoint=sb://<namespace>."
                  "servicebus.windows.net/)" +
                      unrecognised_keys(segments));
  }
  if (!istarts_with(endpoint->value, "sb://")) {
    size_t scheme_end = endpoint->value.find("://");
    std::string got = scheme_end == std::string_view::npos
                          ? "no scheme"
                          : "'" + std::string(endpoint->value.substr(0, scheme_end + 3)) + "'";
    return refuse(segments, "Endpoint must start with sb:// (got " + got + ")");
  }
  std::string_view authority = endpoint->value.substr(5);
  authority = authority.substr(0, authority.find('/'));
  auto hp = split_host_port(authority);
  if (!hp) {
    return refuse(segments,
                  "Endpoint has no host name after sb:// (expected "
                  "sb://<namespace>.servicebus.windows.net/)");
  }
  if (!hp->port.empty() && !valid_port(hp->port)) {
    return refuse(segments,
                  "Endpoint port '" + std::string(hp->port) + "' is not a number from 1 to 65535");
  }

  const Segment* key_name = find(segments, "SharedAccessKeyName");
  const Segment* key = find(segments, "SharedAccessKey");
  const Segment* sas = find(segments, "SharedAccessSignature");
  if (key != nullptr && key->value.empty()) {
    return refuse(segments, "SharedAccessKey is empty");
  }
  if (!emulator) {
    if (key == nullptr && sas == nullptr) {
      return refuse(segments, "missing SharedAccessKey (or SharedAccessSignature)" +
                                  unrecognised_keys(segments));
    }
    if (key != nullptr && (key_name == nullptr || key_name->value.empty())) {
      return refuse(segments,
                    "missing SharedAccessKeyName (the policy the SharedAccessKey "
                    "belongs to)" +
                        unrecognised_keys(segments));
    }
  }

  KafkaEndpoint ep;
  ep.kind = emulator ? KafkaEndpoint::Kind::kEventHubsEmulator : KafkaEndpoint::Kind::kEventHubs;
  if (const Segment* entity = find(segments, "EntityPath")) ep.topic = std::string(entity->value);
  if (key_name != nullptr) ep.key_name = std::string(key_name->value);
  std::string_view port = hp->port;
  if (port.empty()) port = emulator ? kEmulatorKafkaPort : kEventHubsKafkaPort;
  ep.bootstrap_servers = std::string(hp->host) + ":" + std::string(port);
  ep.set_property("bootstrap.servers", ep.bootstrap_servers);
  apply_recommended(ep, emulator);
  if (emulator) {
    ep.set_property("security.protocol", "plaintext");
  } else {
    ep.set_property("security.protocol", "sasl_ssl");
    ep.set_property("sasl.mechanisms", "PLAIN");
    ep.set_property("sasl.username", "$ConnectionString");
    ep.set_property("sasl.password", std::string(trim(text)));
  }
  return ep;
}

Result<KafkaEndpoint> parse_kafka_url(std::string_view text) {
  text = trim(text);
  if (!istarts_with(text, "kafka://")) {
    return Status::InvalidArgument("Kafka address '" + redact_connection_string(text) +
                                   "' must start with kafka://");
  }
  std::string_view rest = text.substr(8);
  size_t slash = rest.find('/');
  std::string_view servers = rest.substr(0, slash);
  std::string_view topic = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  if (topic.find('/') != std::string_view::npos || topic.find('?') != std::string_view::npos) {
    return Status::InvalidArgument("Kafka address '" + std::string(text) +
                                   "': the topic after the first '/' cannot hold '/' or '?'");
  }
  KafkaEndpoint ep;
  ep.kind = KafkaEndpoint::Kind::kKafka;
  ep.topic = std::string(topic);
  for (const std::string_view server : split_trimmed(servers, ',')) {
    auto hp = split_host_port(server);
    if (!hp || (!hp->port.empty() && !valid_port(hp->port))) {
      return Status::InvalidArgument("Kafka address '" + std::string(text) + "': server '" +
                                     std::string(server) + "' is not host[:port]");
    }
    if (!ep.bootstrap_servers.empty()) ep.bootstrap_servers.push_back(',');
    ep.bootstrap_servers.append(hp->host).push_back(':');
    ep.bootstrap_servers.append(hp->port.empty() ? kKafkaDefaultPort : hp->port);
  }
  ep.set_property("bootstrap.servers", ep.bootstrap_servers);
  return ep;
}

Result<KafkaEndpoint> parse_connection(std::string_view text) {
  std::string_view t = trim(text);
  if (istarts_with(t, "kafka://")) return parse_kafka_url(t);
  if (t.empty()) return Status::InvalidArgument("connection string is empty");
  size_t eq = t.find('=');
  if (eq == std::string_view::npos && t.find("://") != std::string_view::npos) {
    size_t scheme_end = t.find("://");
    return Status::InvalidArgument("connection string scheme '" +
                                   std::string(t.substr(0, scheme_end)) +
                                   "://' is not supported (expected Endpoint=sb://... or "
                                   "kafka://host:port/topic)");
  }
  return parse_event_hubs_connection_string(t);
}

Result<KafkaEndpoint> resolve_kafka_endpoint(std::string_view connection,
                                             std::string_view bootstrap_servers,
                                             std::string_view topic) {
  connection = trim(connection);
  bootstrap_servers = trim(bootstrap_servers);
  topic = trim(topic);
  KafkaEndpoint ep;
  if (!connection.empty()) {
    if (!bootstrap_servers.empty()) {
      return Status::InvalidArgument(
          "give either a connection string or bootstrap servers, not both");
    }
    LS_ASSIGN_OR_RAISE(ep, parse_connection(connection));
  } else if (!bootstrap_servers.empty()) {
    LS_ASSIGN_OR_RAISE(ep, parse_kafka_url("kafka://" + std::string(bootstrap_servers)));
  } else {
    return Status::InvalidArgument(
        "no connection string and no bootstrap servers: give an Event Hubs connection string "
        "(Endpoint=sb://...), kafka://host:port/topic, or bootstrap servers and a topic");
  }
  if (!topic.empty()) {
    if (!ep.topic.empty() && ep.topic != topic) {
      return Status::InvalidArgument("topic '" + std::string(topic) +
                                     "' disagrees with the connection string's '" + ep.topic + "'");
    }
    ep.topic = std::string(topic);
  }
  if (ep.topic.empty()) {
    return Status::InvalidArgument(
        ep.kind == KafkaEndpoint::Kind::kKafka
            ? "no topic: give kafka://host:port/<topic> or the topic option"
            : "missing EntityPath: the connection string names no event hub (add "
              ";EntityPath=<hub> or give the topic option)");
  }
  return ep;
}

}  // namespace lakestream
