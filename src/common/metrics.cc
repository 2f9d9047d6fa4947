#include "lakestream/common/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace lakestream {

namespace {

void atomic_add(std::atomic<double>& a, double by) {
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + by, std::memory_order_relaxed)) {
  }
}

std::string_view type_name(MetricType t) {
  switch (t) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

/// Prometheus float text: integers without a fraction, +Inf/-Inf/NaN spelled its way.
std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);  // shortest exact form
  if (ec != std::errc()) return std::to_string(v);
  return std::string(buf, end);
}

void append_label_value(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void append_help(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

/// `{a="1",b="2"}` (with `extra` last), or nothing when there are no labels.
void append_labels(std::string& out, const MetricLabels& labels,
                   const std::pair<std::string_view, std::string>* extra = nullptr) {
  if (labels.empty() && extra == nullptr) return;
  out += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k;
    out += "=\"";
    append_label_value(out, v);
    out += '"';
  }
  if (extra != nullptr) {
    if (!first) out += ',';
    out += extra->first;
    out += "=\"";
    append_label_value(out, extra->second);
    out += '"';
  }
  out += '}';
}

}  // namespace

void Gauge::add(double by) { atomic_add(value_, by); }

void Histogram::merge(const std::vector<int64_t>& per_bucket, double sum) {
  int64_t n = 0;
  for (size_t i = 0; i < per_bucket.size() && i <= bounds_.size(); ++i) {
    buckets_[i].fetch_add(per_bucket[i], std::memory_order_relaxed);
    n += per_bucket[i];
  }
  count_.fetch_add(n, std::memory_order_relaxed);
  atomic_add(sum_, sum);
}

size_t Histogram::bucket_of(double v) const {
  return static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<int64_t>[]>(bounds_.size() + 1)) {
  std::sort(bounds_.begin(), bounds_.end());
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe_n(double v, int64_t count) {
  if (count <= 0) return;
  // Prometheus buckets are "less than or equal": the first bound >= v.
  const size_t b =
      static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  buckets_[b].fetch_add(count, std::memory_order_relaxed);
  count_.fetch_add(count, std::memory_order_relaxed);
  atomic_add(sum_, v * static_cast<double>(count));
}

std::vector<int64_t> Histogram::bucket_counts() const {
  std::vector<int64_t> out(bounds_.size() + 1);
  for (size_t i = 0; i < out.size(); ++i) out[i] = buckets_[i].load(std::memory_order_relaxed);
  return out;
}

std::vector<double> duration_buckets_seconds() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
}

MetricsRegistry& MetricsRegistry::global() {
  static MetricsRegistry* registry = new MetricsRegistry();  // never destroyed: used at exit
  return *registry;
}

MetricsRegistry::Series& MetricsRegistry::series(std::string_view name, std::string_view help,
                                                 MetricType type, MetricLabels labels) {
  std::sort(labels.begin(), labels.end());
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{std::string(help), type, {}}).first;
  } else if (it->second.type != type) {
    std::fprintf(stderr, "lakestream: metric %.*s registered as %s, asked for as %s\n",
                 static_cast<int>(name.size()), name.data(),
                 std::string(type_name(it->second.type)).c_str(),
                 std::string(type_name(type)).c_str());
    std::abort();
  }
  auto [s, inserted] = it->second.series.try_emplace(labels);
  if (inserted) s->second.labels = std::move(labels);
  s->second.visible = true;
  return s->second;
}

Counter& MetricsRegistry::counter(std::string_view name, std::string_view help,
                                  MetricLabels labels) {
  std::lock_guard lock(mu_);
  Series& s = series(name, help, MetricType::kCounter, std::move(labels));
  if (!s.counter) s.counter = std::make_unique<Counter>();
  return *s.counter;
}

Gauge& MetricsRegistry::gauge(std::string_view name, std::string_view help, MetricLabels labels) {
  std::lock_guard lock(mu_);
  Series& s = series(name, help, MetricType::kGauge, std::move(labels));
  if (!s.gauge) s.gauge = std::make_unique<Gauge>();
  return *s.gauge;
}

Histogram& MetricsRegistry::histogram(std::string_view name, std::string_view help,
                                      std::vector<double> upper_bounds, MetricLabels labels) {
  std::lock_guard lock(mu_);
  Series& s = series(name, help, MetricType::kHistogram, std::move(labels));
  if (!s.histogram) s.histogram = std::make_unique<Histogram>(std::move(upper_bounds));
  return *s.histogram;
}

void MetricsRegistry::remove(std::string_view name, const MetricLabels& labels) {
  MetricLabels sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return;
  auto s = it->second.series.find(sorted);
  if (s != it->second.series.end()) s->second.visible = false;
}

std::vector<MetricFamily> MetricsRegistry::collect() const {
  std::lock_guard lock(mu_);
  std::vector<MetricFamily> out;
  out.reserve(families_.size());
  for (const auto& [name, f] : families_) {
    MetricFamily fam{name, f.help, f.type, {}};
    for (const auto& [labels, s] : f.series) {
      if (!s.visible) continue;
      MetricSample sample;
      sample.labels = labels;
      if (s.counter) sample.value = static_cast<double>(s.counter->value());
      if (s.gauge) sample.value = s.gauge->value();
      if (s.histogram) {
        sample.upper_bounds = s.histogram->upper_bounds();
        sample.bucket_counts = s.histogram->bucket_counts();
        sample.count = s.histogram->count();
        sample.sum = s.histogram->sum();
      }
      fam.samples.push_back(std::move(sample));
    }
    if (!fam.samples.empty()) out.push_back(std::move(fam));
  }
  return out;
}

std::string render_prometheus(const std::vector<MetricFamily>& families) {
  std::string out;
  for (const MetricFamily& f : families) {
    out += "# HELP ";
    out += f.name;
    out += ' ';
    append_help(out, f.help);
    out += "\n# TYPE ";
    out += f.name;
    out += ' ';
    out += type_name(f.type);
    out += '\n';
    for (const MetricSample& s : f.samples) {
      if (f.type != MetricType::kHistogram) {
        out += f.name;
        append_labels(out, s.labels);
        out += ' ';
        out += number(s.value);
        out += '\n';
        continue;
      }
      // The bucket counts are read one by one while others record: make the cumulative series
      // monotonic and let _count agree with the +Inf bucket, as Prometheus requires.
      int64_t cumulative = 0;
      for (size_t i = 0; i < s.bucket_counts.size(); ++i) {
        cumulative += s.bucket_counts[i];
        const std::pair<std::string_view, std::string> le{
            "le", i < s.upper_bounds.size() ? number(s.upper_bounds[i]) : "+Inf"};
        out += f.name;
        out += "_bucket";
        append_labels(out, s.labels, &le);
        out += ' ';
        out += std::to_string(cumulative);
        out += '\n';
      }
      out += f.name;
      out += "_sum";
      append_labels(out, s.labels);
      out += ' ';
      out += number(s.sum);
      out += '\n';
      out += f.name;
      out += "_count";
      append_labels(out, s.labels);
      out += ' ';
      out += std::to_string(cumulative);
      out += '\n';
    }
  }
  return out;
}

}  // namespace lakestream
