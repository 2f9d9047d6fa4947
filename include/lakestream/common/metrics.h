#pragma once
// common/metrics: the process's counters, gauges and histograms, the numbers behind the UI's
// /metrics endpoint (Prometheus text format, rendered here too so every module's series look
// alike). Any module records into MetricsRegistry::global(); module ui only reads it.
//
// Recording is lock-free (relaxed atomics) so hot paths may count freely: look a series up
// once (a mutex-protected find-or-create that returns a reference valid for the process's
// life) and keep the reference. Removing a series (a revoked partition's lag gauge) only
// hides it from collect(); the reference stays valid and may be re-registered later.
//
//   static Counter& retries = MetricsRegistry::global().counter(
//       "lakestream_storage_retries_total", "Storage requests retried", {{"operation", "put"}});
//   retries.inc();

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lakestream {

/// Label name → value, kept sorted by name.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

/// A value that only goes up (Prometheus counter). Integers count events, rows and bytes.
class Counter {
 public:
  void inc(int64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

/// A value that goes up and down (Prometheus gauge).
class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double by);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// Observations counted into fixed buckets (Prometheus histogram, cumulative when rendered).
class Histogram {
 public:
  /// `upper_bounds` ascending; +Inf is implied.
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double v) { observe_n(v, 1); }
  /// `count` observations of the same value (one bucket search for a batch of equal values).
  void observe_n(double v, int64_t count);

  /// Add counts gathered elsewhere (per bucket as bucket_of() numbers them) and their sum: a
  /// batch's observations in one step.
  void merge(const std::vector<int64_t>& per_bucket, double sum);
  /// The bucket `v` falls in (bounds.size() for +Inf).
  size_t bucket_of(double v) const;

  const std::vector<double>& upper_bounds() const { return bounds_; }
  /// Per bucket (bounds, then +Inf), not cumulative.
  std::vector<int64_t> bucket_counts() const;
  int64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<int64_t>[]> buckets_;
  std::atomic<int64_t> count_{0};
  std::atomic<double> sum_{0};
};

/// Bucket bounds in seconds for durations from 1 ms to 2 min (batch durations, latencies).
std::vector<double> duration_buckets_seconds();

enum class MetricType { kCounter, kGauge, kHistogram };

/// One series as collect() saw it.
struct MetricSample {
  MetricLabels labels;
  double value = 0;                    ///< counter / gauge
  std::vector<double> upper_bounds;    ///< histogram
  std::vector<int64_t> bucket_counts;  ///< histogram, per bucket (+Inf last), not cumulative
  int64_t count = 0;                   ///< histogram
  double sum = 0;                      ///< histogram
};

/// A metric name with its help, type and series.
struct MetricFamily {
  std::string name;
  std::string help;
  MetricType type = MetricType::kCounter;
  std::vector<MetricSample> samples;
};

class MetricsRegistry {
 public:
  /// The process's registry (what /metrics shows).
  static MetricsRegistry& global();

  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  /// Find or create a series. A name keeps the type and help of its first registration; asking
  /// for it as another type is a bug and aborts naming the metric. References stay valid for
  /// the registry's life.
  Counter& counter(std::string_view name, std::string_view help, MetricLabels labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, MetricLabels labels = {});
  Histogram& histogram(std::string_view name, std::string_view help,
                       std::vector<double> upper_bounds, MetricLabels labels = {});
  /// Hide a series from collect() until it is asked for again.
  void remove(std::string_view name, const MetricLabels& labels);

  /// Every visible series, families sorted by name, series by labels.
  std::vector<MetricFamily> collect() const;

 private:
  struct Series {
    MetricLabels labels;
    bool visible = true;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    std::string help;
    MetricType type = MetricType::kCounter;
    std::map<MetricLabels, Series> series;
  };
  Series& series(std::string_view name, std::string_view help, MetricType type,
                 MetricLabels labels);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
};

/// The Prometheus text exposition format (version 0.0.4) of `families`: # HELP and # TYPE lines,
/// label values escaped, histograms as cumulative _bucket{le=...}, _sum and _count.
std::string render_prometheus(const std::vector<MetricFamily>& families);

}  // namespace lakestream
