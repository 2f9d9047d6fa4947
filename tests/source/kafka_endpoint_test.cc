// Connection strings → librdkafka settings, and the refusals (wrong part named, key never shown).
#include "lakestream/source/kafka_endpoint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "lakestream/common/redact.h"
#include "lakestream/config/config.h"
#include "lakestream/source/kafka_source.h"

namespace lakestream {
namespace {

// A recognisable fake key, so any leak of it is easy to assert on.
constexpr const char* kKey = "s3cr3tKEYv4lue+/abc=";

std::string good_event_hubs() {
  return std::string(
             "Endpoint=sb://myeventhub.servicebus.windows.net/;SharedAccessKeyName=Listen;"
             "SharedAccessKey=") +
         kKey + ";EntityPath=input;";
}

TEST(KafkaEndpointTest, EventHubsConnectionStringMapsToSaslSsl) {
  auto ep = parse_event_hubs_connection_string(good_event_hubs());
  ASSERT_TRUE(ep.ok()) << ep.status().to_string();
  EXPECT_EQ(ep->kind, KafkaEndpoint::Kind::kEventHubs);
  EXPECT_EQ(ep->bootstrap_servers, "myeventhub.servicebus.windows.net:9093");
  EXPECT_EQ(ep->topic, "input");
  EXPECT_EQ(ep->key_name, "Listen");
  EXPECT_EQ(ep->property("bootstrap.servers"), "myeventhub.servicebus.windows.net:9093");
  EXPECT_EQ(ep->property("security.protocol"), "sasl_ssl");
  EXPECT_EQ(ep->property("sasl.mechanisms"), "PLAIN");
  EXPECT_EQ(ep->property("sasl.username"), "$ConnectionString");
  EXPECT_EQ(ep->property("sasl.password"), good_event_hubs());
  // Azure's recommended client settings.
  EXPECT_EQ(ep->property("socket.keepalive.enable"), "true");
  EXPECT_EQ(ep->property("metadata.max.age.ms"), "180000");
  EXPECT_EQ(ep->property("session.timeout.ms"), "30000");
  EXPECT_EQ(ep->property("connections.max.idle.ms"), "180000");
}

TEST(KafkaEndpointTest, DescribeNeverShowsTheKey) {
  auto ep = parse_event_hubs_connection_string(good_event_hubs());
  ASSERT_TRUE(ep.ok());
  const std::string d = ep->describe();
  EXPECT_EQ(d,
            "eventhubs myeventhub.servicebus.windows.net:9093/input (sasl_ssl, key name Listen)");
  EXPECT_EQ(d.find(kKey), std::string::npos);
  KafkaSourceOptions options;
  options.endpoint = *ep;
  for (const auto& [k, v] : options.redacted_properties()) {
    EXPECT_EQ(v.find(kKey), std::string::npos) << k;
  }
  auto source = KafkaSource::create(options);
  ASSERT_TRUE(source.ok());
  EXPECT_EQ((*source)->description().find(kKey), std::string::npos);
}

TEST(KafkaEndpointTest, KeysAreCaseInsensitiveAndSpacesTrimmed) {
  auto ep = parse_event_hubs_connection_string(
      " endpoint = sb://ns.servicebus.windows.net ; sharedaccesskeyname=Send ;"
      "SHAREDACCESSKEY=abc==; entitypath=meters");
  ASSERT_TRUE(ep.ok()) << ep.status().to_string();
  EXPECT_EQ(ep->bootstrap_servers, "ns.servicebus.windows.net:9093");
  EXPECT_EQ(ep->topic, "meters");
}

TEST(KafkaEndpointTest, SharedAccessSignatureInsteadOfKey) {
  auto ep = parse_event_hubs_connection_string(
      "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature "
      "sr=x&sig=abc&se=1&skn=Listen;EntityPath=input");
  ASSERT_TRUE(ep.ok()) << ep.status().to_string();
  EXPECT_EQ(ep->property("security.protocol"), "sasl_ssl");
}

TEST(KafkaEndpointTest, EmulatorUsesPlaintextAndPort9092) {
  auto ep = parse_event_hubs_connection_string(
      "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;"
      "SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;EntityPath=eh1");
  ASSERT_TRUE(ep.ok()) << ep.status().to_string();
  EXPECT_EQ(ep->kind, KafkaEndpoint::Kind::kEventHubsEmulator);
  EXPECT_EQ(ep->bootstrap_servers, "localhost:9092");
  EXPECT_EQ(ep->property("security.protocol"), "plaintext");
  EXPECT_EQ(ep->property("sasl.password"), "");
  EXPECT_EQ(ep->property("session.timeout.ms"), "6000");
}

TEST(KafkaEndpointTest, HubConnectionStringFormParses) {
  // The exact form `lakestream hub` prints.
  auto ep = parse_connection(
      "Endpoint=sb://127.0.0.1:39123;SharedAccessKeyName=RootManageSharedAccessKey;"
      "SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;EntityPath=input");
  ASSERT_TRUE(ep.ok()) << ep.status().to_string();
  EXPECT_EQ(ep->bootstrap_servers, "127.0.0.1:39123");
  EXPECT_EQ(ep->topic, "input");
  EXPECT_EQ(ep->describe(), "eventhubs-emulator 127.0.0.1:39123/input (plaintext)");
}

TEST(KafkaEndpointTest, EmulatorNeedsNoKey) {
  auto ep = parse_connection("Endpoint=sb://127.0.0.1;UseDevelopmentEmulator=true;EntityPath=x");
  ASSERT_TRUE(ep.ok()) << ep.status().to_string();
  EXPECT_EQ(ep->bootstrap_servers, "127.0.0.1:9092");
}

TEST(KafkaEndpointTest, KafkaUrl) {
  auto ep = parse_connection("kafka://b1:9092,b2/meters");
  ASSERT_TRUE(ep.ok()) << ep.status().to_string();
  EXPECT_EQ(ep->kind, KafkaEndpoint::Kind::kKafka);
  EXPECT_EQ(ep->bootstrap_servers, "b1:9092,b2:9092");
  EXPECT_EQ(ep->topic, "meters");
  EXPECT_EQ(ep->property("security.protocol"), "");
  EXPECT_EQ(ep->describe(), "kafka b1:9092,b2:9092/meters (PLAINTEXT)");
}

TEST(KafkaEndpointTest, ResolveWithSeparateBootstrapAndTopic) {
  auto ep = resolve_kafka_endpoint("", "127.0.0.1:9092", "input");
  ASSERT_TRUE(ep.ok()) << ep.status().to_string();
  EXPECT_EQ(ep->bootstrap_servers, "127.0.0.1:9092");
  EXPECT_EQ(ep->topic, "input");
}

TEST(KafkaEndpointTest, ResolveTopicFillsMissingEntityPath) {
  auto ep = resolve_kafka_endpoint(
      "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=L;SharedAccessKey=k", "",
      "input");
  ASSERT_TRUE(ep.ok()) << ep.status().to_string();
  EXPECT_EQ(ep->topic, "input");
}

TEST(KafkaEndpointTest, ResolveRefusesDisagreeingTopic) {
  auto ep = resolve_kafka_endpoint(good_event_hubs(), "", "other");
  ASSERT_FALSE(ep.ok());
  EXPECT_NE(ep.status().message().find("disagrees"), std::string::npos);
}

TEST(KafkaEndpointTest, ResolveRefusesMissingEntityPath) {
  auto ep = resolve_kafka_endpoint(
      std::string("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=L;"
                  "SharedAccessKey=") +
          kKey,
      "", "");
  ASSERT_FALSE(ep.ok());
  EXPECT_NE(ep.status().message().find("missing EntityPath"), std::string::npos);
  EXPECT_EQ(ep.status().message().find(kKey), std::string::npos);
}

struct Malformed {
  const char* name;
  std::string text;
  const char* expected;  // a phrase naming the wrong part
};

std::string with_key(const std::string& before, const std::string& after = "") {
  return before + "SharedAccessKey=" + kKey + after;
}

class MalformedConnectionStringTest : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedConnectionStringTest, RefusedWithPartNamedAndKeyRedacted) {
  const Malformed& m = GetParam();
  auto ep = parse_connection(m.text);
  ASSERT_FALSE(ep.ok()) << m.text;
  EXPECT_EQ(ep.status().code(), StatusCode::kInvalidArgument);
  const std::string msg = ep.status().to_string();
  EXPECT_NE(msg.find(m.expected), std::string::npos) << msg;
  EXPECT_EQ(msg.find(kKey), std::string::npos) << msg;
  EXPECT_EQ(msg.find("s3cr3t"), std::string::npos) << msg;
}

INSTANTIATE_TEST_SUITE_P(
    Forms, MalformedConnectionStringTest,
    ::testing::Values(
        Malformed{"MissingEndpoint", with_key("SharedAccessKeyName=L;", ";EntityPath=x"),
                  "missing Endpoint"},
        Malformed{"MisspelledEndpointHinted", with_key("Endpiont=sb://a/;SharedAccessKeyName=L;"),
                  "unrecognised keys: Endpiont"},
        Malformed{"HttpsScheme",
                  with_key("Endpoint=https://ns.servicebus.windows.net/;SharedAccessKeyName=L;"),
                  "must start with sb:// (got 'https://')"},
        Malformed{"NoScheme", with_key("Endpoint=ns.servicebus.windows.net;SharedAccessKeyName=L;"),
                  "must start with sb:// (got no scheme)"},
        Malformed{"EmptyHost", with_key("Endpoint=sb:///;SharedAccessKeyName=L;"), "no host name"},
        Malformed{"BadPort", with_key("Endpoint=sb://h:99999;SharedAccessKeyName=L;"),
                  "port '99999'"},
        Malformed{"MissingKey",
                  "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=L;EntityPath=x",
                  "missing SharedAccessKey"},
        Malformed{"MissingKeyName", with_key("Endpoint=sb://ns.servicebus.windows.net/;"),
                  "missing SharedAccessKeyName"},
        Malformed{"EmptyKey", "Endpoint=sb://ns/;SharedAccessKeyName=L;SharedAccessKey=;",
                  "SharedAccessKey is empty"},
        Malformed{"SegmentWithoutEquals",
                  std::string("Endpoint=sb://ns/;SharedAccessKeyName=L;") + kKey,
                  "segment 3 is not Key=Value"},
        Malformed{"RepeatedKey",
                  with_key("Endpoint=sb://a/;Endpoint=sb://b/;SharedAccessKeyName=L;"),
                  "key Endpoint is given twice"},
        Malformed{"BadEmulatorFlag",
                  with_key("Endpoint=sb://localhost;UseDevelopmentEmulator=yes;"),
                  "UseDevelopmentEmulator must be true or false"},
        Malformed{"UnsupportedScheme", "amqps://ns.servicebus.windows.net/input",
                  "scheme 'amqps://' is not supported"},
        Malformed{"KafkaUrlBadServer", "kafka://host:port/topic", "server 'host:port'"}),
    [](const ::testing::TestParamInfo<Malformed>& info) { return std::string(info.param.name); });

TEST(KafkaSourceOptionsTest, FromOptionsReadsEveryOption) {
  std::map<std::string, std::string> opts = {
      {"connection-string", good_event_hubs()}, {"consumer-group", "ingest"},
      {"starting-position", "latest"},          {"starting-offsets", "0:100, 3:250"},
      {"fail-on-data-loss", "false"},           {"kafka.fetch.max.bytes", "1048576"},
      {"kafka.session.timeout.ms", "45000"},
  };
  auto o = KafkaSourceOptions::from_options(opts);
  ASSERT_TRUE(o.ok()) << o.status().to_string();
  EXPECT_EQ(o->consumer_group, "ingest");
  EXPECT_EQ(o->assignment, PartitionAssignment::kAuto);
  EXPECT_EQ(o->starting_position, StartingPosition::kLatest);
  EXPECT_EQ(o->starting_offsets, (std::map<int32_t, int64_t>{{0, 100}, {3, 250}}));
  EXPECT_FALSE(o->fail_on_data_loss);
  std::map<std::string, std::string> props;
  for (const auto& [k, v] : o->librdkafka_properties()) props[k] = v;
  EXPECT_EQ(props["group.id"], "ingest");
  EXPECT_EQ(props["enable.auto.commit"], "false");
  EXPECT_EQ(props["auto.offset.reset"], "earliest");
  EXPECT_EQ(props["fetch.max.bytes"], "1048576");
  EXPECT_EQ(props["session.timeout.ms"], "45000");  // the pass-through wins
  std::map<std::string, std::string> shown;
  for (const auto& [k, v] : o->redacted_properties()) shown[k] = v;
  EXPECT_EQ(shown["sasl.password"], std::string(kRedacted));
}

TEST(KafkaSourceOptionsTest, EngineDefaultsPassThroughBeforeStreamOptions) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("ls_kafka_conf_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream f(dir / "lakestream-defaults.conf");
    f << "lakestream.kafka.fetch.min.bytes=2048\n"
         "lakestream.kafka.client.id=from-engine\n";
  }
  ArgParser parser("job", "test");
  ParseContext ctx;
  ctx.cwd = dir.string();
  ctx.getenv = [&](std::string_view name) -> std::optional<std::string> {
    if (name == "LAKESTREAM_CONF_DIR") return dir.string();
    return std::nullopt;
  };
  auto config = parser.parse(std::vector<std::string>{}, ctx);
  fs::remove_all(dir);
  ASSERT_TRUE(config.ok()) << config.status().to_string();
  auto o = KafkaSourceOptions::from_options(
      {{"connection-string", "kafka://127.0.0.1:9092/t"}, {"kafka.client.id", "from-stream"}},
      &*config);
  ASSERT_TRUE(o.ok()) << o.status().to_string();
  std::map<std::string, std::string> props;
  for (const auto& [k, v] : o->librdkafka_properties()) props[k] = v;
  EXPECT_EQ(props["fetch.min.bytes"], "2048");
  EXPECT_EQ(props["client.id"], "from-stream");  // the stream's option wins over the engine's
}

// What the consumer fetches ahead follows the trigger size (fetch.max.bytes), unless the
// user sets it; librdkafka's limits (at least message.max.bytes) are kept.
TEST(KafkaSourceOptionsTest, FetchMaxBytesFollowsTheTriggerSize) {
  auto props_of = [](const std::map<std::string, std::string>& extra) {
    std::map<std::string, std::string> opts = {{"connection-string", "kafka://127.0.0.1:9092/t"}};
    opts.insert(extra.begin(), extra.end());
    auto o = KafkaSourceOptions::from_options(opts);
    EXPECT_TRUE(o.ok()) << o.status().to_string();
    std::map<std::string, std::string> props;
    if (o.ok()) {
      for (const auto& [k, v] : o->librdkafka_properties()) props[k] = v;
    }
    return props;
  };
  const int64_t per_event = KafkaSourceOptions::kPrefetchBytesPerEvent;
  EXPECT_EQ(props_of({{"max-events-per-trigger", "10000"}})["fetch.max.bytes"],
            std::to_string(10000 * per_event));
  EXPECT_EQ(props_of({{"max-offsets-per-trigger", "20000"}})["fetch.max.bytes"],
            std::to_string(20000 * per_event));
  // No trigger limit: one poll's 100,000 events.
  EXPECT_EQ(props_of({})["fetch.max.bytes"], std::to_string(100000 * per_event));
  // Small triggers: 1 MiB at least; huge ones: librdkafka's default at most.
  EXPECT_EQ(props_of({{"max-events-per-trigger", "10"}})["fetch.max.bytes"], "1048576");
  EXPECT_EQ(props_of({{"max-events-per-trigger", "5000000000"}})["fetch.max.bytes"], "52428800");
  // A larger message.max.bytes raises the floor (librdkafka refuses fetch.max.bytes below it).
  EXPECT_EQ(props_of({{"max-events-per-trigger", "100"},
                      {"kafka.message.max.bytes", "4000000"}})["fetch.max.bytes"],
            "4000000");
  // The user's own value wins.
  EXPECT_EQ(props_of({{"max-events-per-trigger", "10000"},
                      {"kafka.fetch.max.bytes", "7777777"}})["fetch.max.bytes"],
            "7777777");
  // The queue librdkafka fills ahead: three triggers, between 10,000 and 100,000 messages.
  EXPECT_EQ(props_of({{"max-events-per-trigger", "10000"}})["queued.min.messages"], "30000");
  EXPECT_EQ(props_of({{"max-events-per-trigger", "100"}})["queued.min.messages"], "10000");
  EXPECT_EQ(props_of({})["queued.min.messages"], "100000");
  EXPECT_EQ(props_of({{"max-events-per-trigger", "10000"},
                      {"kafka.queued.min.messages", "5000"}})["queued.min.messages"],
            "5000");
  auto bad = KafkaSourceOptions::from_options(
      {{"connection-string", "kafka://h/t"}, {"max-events-per-trigger", "many"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("max-events-per-trigger: 'many'"), std::string::npos);
}

TEST(KafkaSourceOptionsTest, DefaultsAreEarliestDollarDefaultAndFailOnDataLoss) {
  auto o = KafkaSourceOptions::from_options(
      {{"bootstrap-servers", "127.0.0.1:9092"}, {"topic", "input"}});
  ASSERT_TRUE(o.ok()) << o.status().to_string();
  EXPECT_EQ(o->consumer_group, "$Default");
  EXPECT_EQ(o->starting_position, StartingPosition::kEarliest);
  EXPECT_TRUE(o->fail_on_data_loss);
  EXPECT_EQ(o->endpoint.topic, "input");
}

TEST(KafkaSourceOptionsTest, OriginalsMinusOneMeansEarliest) {
  auto o = KafkaSourceOptions::from_options(
      {{"connection-string", "kafka://127.0.0.1:9092/t"}, {"starting-position", "-1"}});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->starting_position, StartingPosition::kEarliest);
}

TEST(KafkaSourceOptionsTest, PartitionAssignmentIsAutoGroupOrAll) {
  auto with = [](const std::string& v) {
    return KafkaSourceOptions::from_options(
        {{"connection-string", "kafka://127.0.0.1:9092/t"}, {"partition-assignment", v}});
  };
  EXPECT_EQ(with("auto")->assignment, PartitionAssignment::kAuto);
  EXPECT_EQ(with("group")->assignment, PartitionAssignment::kGroup);
  EXPECT_EQ(with(" ALL ")->assignment, PartitionAssignment::kAll);
  auto bad = with("some");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("partition-assignment: 'some' is not auto, group or all"),
            std::string::npos)
      << bad.status().to_string();
}

TEST(KafkaSourceOptionsTest, BadOptionsNameTheOption) {
  auto pos = KafkaSourceOptions::from_options(
      {{"connection-string", "kafka://h/t"}, {"starting-position", "yesterday"}});
  ASSERT_FALSE(pos.ok());
  EXPECT_NE(pos.status().message().find("starting-position"), std::string::npos);
  auto offs = KafkaSourceOptions::from_options(
      {{"connection-string", "kafka://h/t"}, {"starting-offsets", "0=5"}});
  ASSERT_FALSE(offs.ok());
  EXPECT_NE(offs.status().message().find("starting-offsets: '0=5'"), std::string::npos);
  auto bad_cs = KafkaSourceOptions::from_options(
      {{"connection-string", with_key("Endpoint=sb://ns/;SharedAccessKeyName=L;")}});
  ASSERT_FALSE(bad_cs.ok());
  EXPECT_NE(bad_cs.status().message().find("missing EntityPath"), std::string::npos);
  EXPECT_EQ(bad_cs.status().message().find(kKey), std::string::npos);
}

}  // namespace
}  // namespace lakestream
