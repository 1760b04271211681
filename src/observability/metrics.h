// The process's metrics: counter, gauge and histogram families with label names, their child
// series, a registry that owns them, and the Prometheus text exposition (format 0.0.4) of
// everything registered. It owns counting and rendering only; serving /metrics over HTTP
// belongs to the program that wires the registry to a server.
//
// Ours because no Debian package provides a Prometheus client for C++.
//
// Hot path: a series is a few atomics, so Inc/Set/Observe take no lock. Finding a child by its
// label values takes the family's mutex, so callers on hot paths look the child up once and
// keep the reference:
//
//   CounterSeries& adds =
//       registry.Counter("workqueue_adds_total", "Keys added.", {"name"}).WithLabels({"role"});
//   adds.Inc();  // the reference stays valid as long as the registry
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace awio::observability {

// The Prometheus metric types we produce.
enum class MetricType {
  kCounter,    // only goes up (requests, adds, retries); rates are taken over it
  kGauge,      // a current level that goes up and down (queue depth, in-flight work)
  kHistogram,  // a distribution of observations in fixed buckets (latencies)
};

std::string_view MetricTypeName(MetricType type);  // "counter", "gauge", "histogram"

// controller-runtime's bucket bounds for reconcile durations, in seconds, so that dashboards
// built for Go controllers read ours unchanged.
inline constexpr std::array<double, 40> kReconcileTimeBuckets = {
    0.005, 0.01, 0.025, 0.05, 0.1,  0.15, 0.2,  0.25, 0.3,  0.35, 0.4,  0.45, 0.5, 0.6,
    0.7,   0.8,  0.9,   1.0,  1.25, 1.5,  1.75, 2.0,  2.5,  3.0,  3.5,  4.0,  4.5, 5.0,
    6.0,   7.0,  8.0,   9.0,  10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0};

// The work queue's duration buckets in seconds: 1e-8 * 10^i for i in 0..9 (10 ns to 10 s),
// written as exact literals rather than computed so that the `le` labels print cleanly.
inline constexpr std::array<double, 10> kWorkqueueDurationBuckets = {1e-8, 1e-7, 1e-6, 1e-5, 1e-4,
                                                                     1e-3, 1e-2, 1e-1, 1.0,  10.0};

// One counter series. Lock-free.
class CounterSeries {
 public:
  CounterSeries() = default;
  CounterSeries(const CounterSeries&) = delete;
  CounterSeries& operator=(const CounterSeries&) = delete;

  void Inc() { Add(1.0); }
  // Adds `amount`. A counter never goes down: a negative or NaN amount is ignored.
  void Add(double amount);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// One gauge series. Lock-free.
class GaugeSeries {
 public:
  GaugeSeries() = default;
  GaugeSeries(const GaugeSeries&) = delete;
  GaugeSeries& operator=(const GaugeSeries&) = delete;

  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Inc() { Add(1.0); }
  void Dec() { Add(-1.0); }
  void Add(double amount);  // negative amounts lower the gauge
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// One histogram series over fixed bucket upper bounds (an implicit +Inf bucket follows the
// last). Lock-free. A scrape that races with Observe may see the sum lag the counts by the
// observations in flight; the count is always the +Inf bucket, so those two always agree.
class HistogramSeries {
 public:
  explicit HistogramSeries(std::vector<double> upper_bounds);
  HistogramSeries(const HistogramSeries&) = delete;
  HistogramSeries& operator=(const HistogramSeries&) = delete;

  // Counts `value` in the first bucket whose upper bound is >= value (bounds are inclusive,
  // as Prometheus defines them). NaN lands in the +Inf bucket.
  void Observe(double value);

  // The finite upper bounds, ascending, without the implicit +Inf.
  const std::vector<double>& UpperBounds() const { return upper_bounds_; }
  // Cumulative counts, one per finite bound followed by the +Inf bucket.
  std::vector<std::uint64_t> CumulativeCounts() const;
  std::uint64_t Count() const;
  double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> upper_bounds_;
  // Non-cumulative: counts_[i] holds observations in (bound[i-1], bound[i]]; the last slot is
  // the +Inf bucket. Sized upper_bounds_.size() + 1.
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0.0};
};

// What every family has: a name, help text, a type and the names of its labels. Families are
// created by a Registry and live as long as it does; they are neither copied nor moved.
class Family {
 public:
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;
  virtual ~Family() = default;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  MetricType type() const { return type_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

 protected:
  Family(MetricType type, std::string name, std::string help, std::vector<std::string> label_names);

  // Aborts with a message naming the family when `values` does not have one value per label
  // name. The label arity is fixed in code, so a mismatch is a bug that any test reaching the
  // call reveals; handing back a detached series instead would hide it.
  void CheckArity(const std::vector<std::string>& values) const;

 private:
  friend class Registry;
  // Appends # HELP, # TYPE and one line per sample; nothing when the family has no series.
  virtual void AppendText(std::string& out) const = 0;

  MetricType type_;
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
};

// A counter family. WithLabels returns the child series for one combination of label values,
// creating it on first use; the reference stays valid for the registry's lifetime (children
// are never removed). Give exactly one value per label name, in label-name order; for a family
// without labels, WithLabels({}).
class Counter final : public Family {
 public:
  CounterSeries& WithLabels(const std::vector<std::string>& values);

 private:
  friend class Registry;
  Counter(std::string name, std::string help, std::vector<std::string> label_names);
  void AppendText(std::string& out) const override;

  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<CounterSeries>> series_;
};

// A gauge family; WithLabels as for Counter.
class Gauge final : public Family {
 public:
  GaugeSeries& WithLabels(const std::vector<std::string>& values);

 private:
  friend class Registry;
  Gauge(std::string name, std::string help, std::vector<std::string> label_names);
  void AppendText(std::string& out) const override;

  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<GaugeSeries>> series_;
};

// A histogram family whose children all share the bucket bounds given at registration;
// WithLabels as for Counter.
class Histogram final : public Family {
 public:
  HistogramSeries& WithLabels(const std::vector<std::string>& values);
  const std::vector<double>& upper_bounds() const { return upper_bounds_; }

 private:
  friend class Registry;
  Histogram(std::string name, std::string help, std::vector<std::string> label_names,
            std::vector<double> upper_bounds);
  void AppendText(std::string& out) const override;

  std::vector<double> upper_bounds_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<HistogramSeries>> series_;
};

// Owns families by name and renders them. Thread-safe.
//
// Two ways to register, one rule: registering a name that is already registered returns the
// existing family when the type and label names match (and, for histograms, the bucket bounds),
// so that independent components (every work queue, say) can each register the metric they
// share. What differs is how a refusal is reported:
//
// - Register{Counter,Gauge,Histogram} return it as a value: kAlreadyExists for a name already
//   registered with another shape (the message names both), kInvalid for a malformed metric
//   or label name, a duplicate label name, `le` on a histogram, or bucket bounds that are not
//   finite and strictly increasing. Use these when a name or label comes from outside the code.
// - Counter, Gauge and Histogram return the family itself and abort with that message instead.
//   Use these for metrics whose name and shape are fixed in code, where a refusal is a bug
//   that the first test to reach the line reveals.
//
// On re-registration the first registration's help text is kept.
//
// Inside this class the member functions Counter, Gauge and Histogram hide the family types of
// the same names, hence the qualified observability:: types below.
class Registry {
 public:
  // The Content-Type of Expose()'s output.
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The process-wide registry that /metrics serves. Never destroyed, so series references
  // cached in static objects stay valid during exit.
  static Registry& Default();

  // Metric names match [a-zA-Z_:][a-zA-Z0-9_:]*; label names match [a-zA-Z_][a-zA-Z0-9_]* and
  // do not start with "__" (reserved by Prometheus). A family without labels gets its single
  // series at once, so it is exposed (as 0) before first use.
  Result<observability::Counter*> RegisterCounter(std::string name, std::string help,
                                                  std::vector<std::string> label_names = {});
  Result<observability::Gauge*> RegisterGauge(std::string name, std::string help,
                                              std::vector<std::string> label_names = {});
  // `upper_bounds` are the finite bucket bounds, strictly increasing; a trailing +Inf is
  // accepted and dropped since the +Inf bucket is always present.
  Result<observability::Histogram*> RegisterHistogram(std::string name, std::string help,
                                                      std::vector<std::string> label_names,
                                                      std::span<const double> upper_bounds);

  // As the Register functions, for shapes fixed in code: a refusal aborts with its message.
  observability::Counter& Counter(std::string name, std::string help,
                                  std::vector<std::string> label_names = {});
  observability::Gauge& Gauge(std::string name, std::string help,
                              std::vector<std::string> label_names = {});
  observability::Histogram& Histogram(std::string name, std::string help,
                                      std::vector<std::string> label_names,
                                      std::span<const double> upper_bounds);

  // Every family with at least one series in the Prometheus text format 0.0.4: families sorted
  // by name, each with # HELP and # TYPE, then its series sorted by label values (compared in
  // label-name order); labels are printed in the order they were declared. Histograms print
  // _bucket (with le, ending at +Inf), _sum and _count. Values print as Go's client does
  // (shortest round-trip form; +Inf, -Inf, NaN).
  std::string Expose() const;

 private:
  // Returns the existing family for `name` after checking its shape, or nullptr when absent.
  Result<Family*> FindCompatible(const std::string& name, MetricType type,
                                 const std::vector<std::string>& label_names,
                                 const std::vector<double>* upper_bounds) const;

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
};

}  // namespace awio::observability
