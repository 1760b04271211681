// Implementation of the metrics registry (metrics.h): atomic series, name validation,
// registration checks and the Prometheus text exposition. It serves nothing over the network.
#include "observability/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <system_error>
#include <utility>

namespace awio::observability {
namespace {

// Adds to an atomic double with a compare-and-swap loop (portable across the standard
// libraries we build with, and lock-free where the platform's 64-bit CAS is).
void AtomicAdd(std::atomic<double>& target, double amount) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + amount, std::memory_order_relaxed)) {
  }
}

bool IsMetricNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

bool IsMetricNameChar(char c) { return IsMetricNameStart(c) || (c >= '0' && c <= '9'); }

bool IsLabelNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool IsLabelNameChar(char c) { return IsLabelNameStart(c) || (c >= '0' && c <= '9'); }

bool ValidMetricName(std::string_view name) {
  return !name.empty() && IsMetricNameStart(name.front()) &&
         std::all_of(name.begin(), name.end(), IsMetricNameChar);
}

bool ValidLabelName(std::string_view name) {
  return !name.empty() && IsLabelNameStart(name.front()) &&
         std::all_of(name.begin(), name.end(), IsLabelNameChar) && !name.starts_with("__");
}

std::string JoinLabelNames(const std::vector<std::string>& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  out += "]";
  return out;
}

std::string DescribeShape(MetricType type, const std::vector<std::string>& label_names) {
  return std::string(MetricTypeName(type)) + " with labels " + JoinLabelNames(label_names);
}

Status ValidateNames(const std::string& name, MetricType type,
                     const std::vector<std::string>& label_names) {
  if (!ValidMetricName(name)) {
    return MakeError(ErrorCode::kInvalid,
                     "metric name \"" + name + "\" does not match [a-zA-Z_:][a-zA-Z0-9_:]*");
  }
  for (std::size_t i = 0; i < label_names.size(); ++i) {
    const std::string& label = label_names[i];
    if (!ValidLabelName(label)) {
      return MakeError(ErrorCode::kInvalid, "label name \"" + label + "\" of metric \"" + name +
                                                "\" does not match [a-zA-Z_][a-zA-Z0-9_]* or "
                                                "starts with the reserved \"__\"");
    }
    if (std::find(label_names.begin(), label_names.begin() + static_cast<std::ptrdiff_t>(i),
                  label) != label_names.begin() + static_cast<std::ptrdiff_t>(i)) {
      return MakeError(ErrorCode::kInvalid,
                       "label name \"" + label + "\" appears twice in metric \"" + name + "\"");
    }
    if (type == MetricType::kHistogram && label == "le") {
      return MakeError(
          ErrorCode::kInvalid,
          "histogram \"" + name + "\" may not use the label \"le\" (the bucket bound)");
    }
  }
  return OkStatus();
}

// Checks bucket bounds and drops a trailing +Inf.
Result<std::vector<double>> NormalizeBuckets(const std::string& name,
                                             std::span<const double> upper_bounds) {
  std::vector<double> bounds(upper_bounds.begin(), upper_bounds.end());
  if (!bounds.empty() && bounds.back() == std::numeric_limits<double>::infinity()) {
    bounds.pop_back();
  }
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && !(bounds[i - 1] < bounds[i]))) {
      return MakeError(ErrorCode::kInvalid, "bucket bounds of histogram \"" + name +
                                                "\" must be finite and strictly increasing");
    }
  }
  return bounds;
}

// Writes a sample value the way Go's strconv.FormatFloat(v, 'g', -1, 64) does, which is what
// Prometheus's own client prints: the shortest digits that round-trip, in exponent form when
// the decimal exponent is below -4 or at least 6 (1e-05, 7.6350472e+07), plain otherwise.
void AppendValue(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }

  std::array<char, 64> buffer{};
  char* const first = buffer.data();
  char* const last = buffer.data() + buffer.size();
  const std::to_chars_result scientific =
      std::to_chars(first, last, value, std::chars_format::scientific);
  const std::string_view text(first, static_cast<std::size_t>(scientific.ptr - first));

  // to_chars writes the exponent as e+NN or e-NN; from_chars does not accept the '+'.
  const std::size_t e = text.find('e');
  std::string_view exponent_text = text.substr(e + 1);
  const bool negative_exponent = exponent_text.front() == '-';
  exponent_text.remove_prefix(1);
  int exponent = 0;
  std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(), exponent);
  if (negative_exponent) exponent = -exponent;

  if (exponent < -4 || exponent >= 6) {
    out += text;
    return;
  }
  const std::to_chars_result fixed = std::to_chars(first, last, value, std::chars_format::fixed);
  out.append(first, fixed.ptr);
}

// Label values escape backslash, double quote and newline.
void AppendLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

// Help text escapes backslash and newline only.
void AppendHelp(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void AppendHeader(std::string& out, const Family& family) {
  out += "# HELP ";
  out += family.name();
  out += ' ';
  AppendHelp(out, family.help());
  out += "\n# TYPE ";
  out += family.name();
  out += ' ';
  out += MetricTypeName(family.type());
  out += '\n';
}

// Writes `name{a="x",b="y"} value\n`; `extra_name`/`extra_value` (the histogram's le) follow
// the family's labels when given. No braces when there are no labels at all.
void AppendSample(std::string& out, std::string_view name, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, std::string_view extra_name,
                  std::string_view extra_value, double value) {
  out += name;
  if (!names.empty() || !extra_name.empty()) {
    out += '{';
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i > 0) out += ',';
      out += names[i];
      out += "=\"";
      AppendLabelValue(out, values[i]);
      out += '"';
    }
    if (!extra_name.empty()) {
      if (!names.empty()) out += ',';
      out += extra_name;
      out += "=\"";
      out += extra_value;
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  AppendValue(out, value);
  out += '\n';
}

// The family, or abort with the registration error: for shapes fixed in code.
template <typename FamilyType>
FamilyType* OrAbort(Result<FamilyType*> family) {
  if (family.ok()) return *family;
  std::fprintf(stderr, "metrics registration failed: %s\n", family.error().message.c_str());
  std::abort();
}

// Returns the child for `values`, creating it with `make` on first use.
template <typename Series, typename Make>
Series& FindOrCreate(std::mutex& mu,
                     std::map<std::vector<std::string>, std::unique_ptr<Series>>& series,
                     const std::vector<std::string>& values, Make make) {
  std::lock_guard lock(mu);
  auto it = series.find(values);
  if (it == series.end()) it = series.emplace(values, make()).first;
  return *it->second;
}

}  // namespace

std::string_view MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

void CounterSeries::Add(double amount) {
  if (!(amount >= 0.0)) return;  // also rejects NaN
  AtomicAdd(value_, amount);
}

void GaugeSeries::Add(double amount) { AtomicAdd(value_, amount); }

HistogramSeries::HistogramSeries(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds_.size() + 1)) {}

void HistogramSeries::Observe(double value) {
  std::size_t bucket = upper_bounds_.size();  // +Inf, also where NaN goes
  if (!std::isnan(value)) {
    bucket = static_cast<std::size_t>(
        std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) -
        upper_bounds_.begin());
  }
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, value);
}

std::vector<std::uint64_t> HistogramSeries::CumulativeCounts() const {
  std::vector<std::uint64_t> cumulative(upper_bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < cumulative.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    cumulative[i] = running;
  }
  return cumulative;
}

std::uint64_t HistogramSeries::Count() const { return CumulativeCounts().back(); }

Family::Family(MetricType type, std::string name, std::string help,
               std::vector<std::string> label_names)
    : type_(type),
      name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)) {}

void Family::CheckArity(const std::vector<std::string>& values) const {
  if (values.size() == label_names_.size()) return;
  std::fprintf(stderr, "metric %s %s: WithLabels got %zu label values, expected %zu\n",
               name_.c_str(), JoinLabelNames(label_names_).c_str(), values.size(),
               label_names_.size());
  std::abort();
}

Counter::Counter(std::string name, std::string help, std::vector<std::string> label_names)
    : Family(MetricType::kCounter, std::move(name), std::move(help), std::move(label_names)) {}

CounterSeries& Counter::WithLabels(const std::vector<std::string>& values) {
  CheckArity(values);
  return FindOrCreate(mu_, series_, values, [] { return std::make_unique<CounterSeries>(); });
}

void Counter::AppendText(std::string& out) const {
  std::lock_guard lock(mu_);
  if (series_.empty()) return;
  AppendHeader(out, *this);
  for (const auto& [values, series] : series_) {
    AppendSample(out, name(), label_names(), values, {}, {}, series->Value());
  }
}

Gauge::Gauge(std::string name, std::string help, std::vector<std::string> label_names)
    : Family(MetricType::kGauge, std::move(name), std::move(help), std::move(label_names)) {}

GaugeSeries& Gauge::WithLabels(const std::vector<std::string>& values) {
  CheckArity(values);
  return FindOrCreate(mu_, series_, values, [] { return std::make_unique<GaugeSeries>(); });
}

void Gauge::AppendText(std::string& out) const {
  std::lock_guard lock(mu_);
  if (series_.empty()) return;
  AppendHeader(out, *this);
  for (const auto& [values, series] : series_) {
    AppendSample(out, name(), label_names(), values, {}, {}, series->Value());
  }
}

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> label_names,
                     std::vector<double> upper_bounds)
    : Family(MetricType::kHistogram, std::move(name), std::move(help), std::move(label_names)),
      upper_bounds_(std::move(upper_bounds)) {}

HistogramSeries& Histogram::WithLabels(const std::vector<std::string>& values) {
  CheckArity(values);
  return FindOrCreate(mu_, series_, values,
                      [this] { return std::make_unique<HistogramSeries>(upper_bounds_); });
}

void Histogram::AppendText(std::string& out) const {
  std::lock_guard lock(mu_);
  if (series_.empty()) return;
  AppendHeader(out, *this);

  const std::string bucket_name = name() + "_bucket";
  std::vector<std::string> bound_texts;
  for (double bound : upper_bounds_) {
    std::string text;
    AppendValue(text, bound);
    bound_texts.push_back(std::move(text));
  }
  bound_texts.emplace_back("+Inf");

  for (const auto& [values, series] : series_) {
    const std::vector<std::uint64_t> counts = series->CumulativeCounts();
    for (std::size_t i = 0; i < counts.size(); ++i) {
      AppendSample(out, bucket_name, label_names(), values, "le", bound_texts[i],
                   static_cast<double>(counts[i]));
    }
    AppendSample(out, name() + "_sum", label_names(), values, {}, {}, series->Sum());
    AppendSample(out, name() + "_count", label_names(), values, {}, {},
                 static_cast<double>(counts.back()));
  }
}

Registry& Registry::Default() {
  static Registry* const registry = new Registry();  // deliberately never destroyed
  return *registry;
}

Result<Family*> Registry::FindCompatible(const std::string& name, MetricType type,
                                         const std::vector<std::string>& label_names,
                                         const std::vector<double>* upper_bounds) const {
  auto it = families_.find(name);
  if (it == families_.end()) return static_cast<Family*>(nullptr);

  Family& existing = *it->second;
  bool same = existing.type() == type && existing.label_names() == label_names;
  if (same && upper_bounds != nullptr) {
    same = static_cast<const observability::Histogram&>(existing).upper_bounds() == *upper_bounds;
  }
  if (!same) {
    std::string message = "metric \"" + name + "\" is already registered as a " +
                          DescribeShape(existing.type(), existing.label_names());
    if (existing.type() == type && existing.label_names() == label_names) {
      message += " and different bucket bounds";
    } else {
      message += "; cannot register it as a " + DescribeShape(type, label_names);
    }
    return MakeError(ErrorCode::kAlreadyExists, std::move(message));
  }
  return &existing;
}

Result<observability::Counter*> Registry::RegisterCounter(std::string name, std::string help,
                                                          std::vector<std::string> label_names) {
  if (Status valid = ValidateNames(name, MetricType::kCounter, label_names); !valid.ok()) {
    return valid.error();
  }
  std::lock_guard lock(mu_);
  Result<Family*> existing = FindCompatible(name, MetricType::kCounter, label_names, nullptr);
  if (!existing.ok()) return existing.error();
  if (*existing != nullptr) return static_cast<observability::Counter*>(*existing);

  const bool unlabeled = label_names.empty();
  std::unique_ptr<observability::Counter> family(
      new observability::Counter(name, std::move(help), std::move(label_names)));
  observability::Counter* registered = family.get();
  families_.emplace(std::move(name), std::move(family));
  if (unlabeled) registered->WithLabels({});
  return registered;
}

Result<observability::Gauge*> Registry::RegisterGauge(std::string name, std::string help,
                                                      std::vector<std::string> label_names) {
  if (Status valid = ValidateNames(name, MetricType::kGauge, label_names); !valid.ok()) {
    return valid.error();
  }
  std::lock_guard lock(mu_);
  Result<Family*> existing = FindCompatible(name, MetricType::kGauge, label_names, nullptr);
  if (!existing.ok()) return existing.error();
  if (*existing != nullptr) return static_cast<observability::Gauge*>(*existing);

  const bool unlabeled = label_names.empty();
  std::unique_ptr<observability::Gauge> family(
      new observability::Gauge(name, std::move(help), std::move(label_names)));
  observability::Gauge* registered = family.get();
  families_.emplace(std::move(name), std::move(family));
  if (unlabeled) registered->WithLabels({});
  return registered;
}

Result<observability::Histogram*> Registry::RegisterHistogram(
    std::string name, std::string help, std::vector<std::string> label_names,
    std::span<const double> upper_bounds) {
  if (Status valid = ValidateNames(name, MetricType::kHistogram, label_names); !valid.ok()) {
    return valid.error();
  }
  Result<std::vector<double>> bounds = NormalizeBuckets(name, upper_bounds);
  if (!bounds.ok()) return bounds.error();

  std::lock_guard lock(mu_);
  Result<Family*> existing =
      FindCompatible(name, MetricType::kHistogram, label_names, &bounds.value());
  if (!existing.ok()) return existing.error();
  if (*existing != nullptr) return static_cast<observability::Histogram*>(*existing);

  const bool unlabeled = label_names.empty();
  std::unique_ptr<observability::Histogram> family(new observability::Histogram(
      name, std::move(help), std::move(label_names), std::move(bounds).value()));
  observability::Histogram* registered = family.get();
  families_.emplace(std::move(name), std::move(family));
  if (unlabeled) registered->WithLabels({});
  return registered;
}

observability::Counter& Registry::Counter(std::string name, std::string help,
                                          std::vector<std::string> label_names) {
  return *OrAbort(RegisterCounter(std::move(name), std::move(help), std::move(label_names)));
}

observability::Gauge& Registry::Gauge(std::string name, std::string help,
                                      std::vector<std::string> label_names) {
  return *OrAbort(RegisterGauge(std::move(name), std::move(help), std::move(label_names)));
}

observability::Histogram& Registry::Histogram(std::string name, std::string help,
                                              std::vector<std::string> label_names,
                                              std::span<const double> upper_bounds) {
  return *OrAbort(
      RegisterHistogram(std::move(name), std::move(help), std::move(label_names), upper_bounds));
}

std::string Registry::Expose() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& [name, family] : families_) family->AppendText(out);
  return out;
}

}  // namespace awio::observability
