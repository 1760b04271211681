// Tests of the metrics registry (src/observability/metrics.h): series arithmetic, histogram
// bucketing, registration rules, and the exact Prometheus text exposition.
#include "observability/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace awio::observability {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Validates the exact exposition of a small registry: families sorted by name, series sorted
// by label values, label values escaping backslash, quote and newline, help escaping backslash
// and newline, and a histogram's cumulative buckets ending at +Inf with _sum and _count.
TEST(Registry, Expose_SmallRegistry_RendersExactText) {
  Registry registry;
  auto requests = registry.RegisterCounter(
      "http_requests_total", "Requests handled.\nBy path and code, with a backslash \\.",
      {"path", "code"});
  auto temperature = registry.RegisterGauge("queue_temperature", "Plain gauge.");
  const std::vector<double> bounds = {0.1, 1};
  auto latency = registry.RegisterHistogram("op_duration_seconds", "Op time.", {"op"}, bounds);
  ASSERT_TRUE(requests.ok()) << requests.error().message;
  ASSERT_TRUE(temperature.ok()) << temperature.error().message;
  ASSERT_TRUE(latency.ok()) << latency.error().message;

  (*requests)->WithLabels({"say \"hi\"\nbye", "500"}).Add(2);
  (*requests)->WithLabels({"/a\\b", "200"}).Inc();
  (*temperature)->WithLabels({}).Set(21.5);
  HistogramSeries& reads = (*latency)->WithLabels({"read"});
  reads.Observe(0.0625);
  reads.Observe(0.5);
  reads.Observe(4);

  EXPECT_EQ(registry.Expose(),
            "# HELP http_requests_total Requests handled.\\nBy path and code, with a backslash "
            "\\\\.\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{path=\"/a\\\\b\",code=\"200\"} 1\n"
            "http_requests_total{path=\"say \\\"hi\\\"\\nbye\",code=\"500\"} 2\n"
            "# HELP op_duration_seconds Op time.\n"
            "# TYPE op_duration_seconds histogram\n"
            "op_duration_seconds_bucket{op=\"read\",le=\"0.1\"} 1\n"
            "op_duration_seconds_bucket{op=\"read\",le=\"1\"} 2\n"
            "op_duration_seconds_bucket{op=\"read\",le=\"+Inf\"} 3\n"
            "op_duration_seconds_sum{op=\"read\"} 4.5625\n"
            "op_duration_seconds_count{op=\"read\"} 3\n"
            "# HELP queue_temperature Plain gauge.\n"
            "# TYPE queue_temperature gauge\n"
            "queue_temperature 21.5\n");
}

// Validates that sample values print as Go's client prints them: shortest round-trip digits,
// exponent form below 1e-4 and from 1e6 on, and +Inf, -Inf and NaN spelled as Prometheus
// expects.
TEST(Registry, Expose_Values_FormattedLikeGoClient) {
  struct Case {
    std::string label;
    double value;
    std::string text;
  };
  const std::vector<Case> cases = {
      {"a", 0, "0"},
      {"b", -0.5, "-0.5"},
      {"c", 1e-9, "1e-09"},
      {"d", 0.0001, "0.0001"},
      {"e", 0.00001, "1e-05"},
      {"f", 100000, "100000"},
      {"g", 1048576, "1.048576e+06"},
      {"h", 76350472, "7.6350472e+07"},
      {"i", std::numeric_limits<double>::infinity(), "+Inf"},
      {"j", -std::numeric_limits<double>::infinity(), "-Inf"},
      {"k", std::numeric_limits<double>::quiet_NaN(), "NaN"},
      {"l", 0.1 + 0.2, "0.30000000000000004"},
      {"m", 123.456, "123.456"},
      {"n", 1e21, "1e+21"},
  };
  Registry registry;
  auto gauge = registry.RegisterGauge("value", "Values.", {"case"});
  ASSERT_TRUE(gauge.ok());
  std::string expected = "# HELP value Values.\n# TYPE value gauge\n";
  for (const Case& c : cases) {
    (*gauge)->WithLabels({c.label}).Set(c.value);
    expected += "value{case=\"" + c.label + "\"} " + c.text + "\n";
  }

  EXPECT_EQ(registry.Expose(), expected);
}

// Validates that a family without labels is exposed as 0 before first use, while a labelled
// family appears only once it has a series.
TEST(Registry, Expose_UnlabelledShownAtZero_LabelledShownOnceUsed) {
  Registry registry;
  ASSERT_TRUE(registry.RegisterCounter("plain_total", "Plain.").ok());
  auto labelled = registry.RegisterCounter("labelled_total", "Labelled.", {"kind"});
  ASSERT_TRUE(labelled.ok());

  EXPECT_EQ(registry.Expose(),
            "# HELP plain_total Plain.\n# TYPE plain_total counter\n"
            "plain_total 0\n");

  (*labelled)->WithLabels({"x"});
  EXPECT_THAT(registry.Expose(), HasSubstr("labelled_total{kind=\"x\"} 0\n"));
}

// Validates that the workqueue buckets print as exact powers of ten in `le`.
TEST(Registry, Expose_WorkqueueBuckets_PrintAsPowersOfTen) {
  Registry registry;
  auto histogram = registry.RegisterHistogram("wq_seconds", "Work.", {}, kWorkqueueDurationBuckets);
  ASSERT_TRUE(histogram.ok());

  const std::string text = registry.Expose();
  for (const char* le :
       {"1e-08", "1e-07", "1e-06", "1e-05", "0.0001", "0.001", "0.01", "0.1", "1", "10", "+Inf"}) {
    EXPECT_THAT(text, HasSubstr(std::string("wq_seconds_bucket{le=\"") + le + "\"} 0\n"));
  }
  EXPECT_EQ(kReconcileTimeBuckets.front(), 0.005);
  EXPECT_EQ(kReconcileTimeBuckets.back(), 60.0);
}

// Validates that registering the same name with the same shape returns the same family, so
// components can share a metric.
TEST(Registry, SameNameSameShape_ReturnsExistingFamily) {
  Registry registry;
  auto first = registry.RegisterCounter("adds_total", "Adds.", {"name"});
  auto second = registry.RegisterCounter("adds_total", "Other help is ignored.", {"name"});
  const std::vector<double> bounds = {1, 2};
  auto histogram = registry.RegisterHistogram("h", "H.", {"name"}, bounds);
  auto histogram_again = registry.RegisterHistogram("h", "H.", {"name"}, bounds);
  ASSERT_TRUE(first.ok() && second.ok() && histogram.ok() && histogram_again.ok());

  EXPECT_EQ(*first, *second);
  EXPECT_EQ(*histogram, *histogram_again);
  EXPECT_EQ((*second)->help(), "Adds.");
}

// Validates that re-registering a name with another type, other label names or other buckets
// is refused with AlreadyExists and a message naming both shapes.
TEST(Registry, SameNameDifferentShape_ReturnsAlreadyExists) {
  Registry registry;
  const std::vector<double> bounds = {1, 2};
  ASSERT_TRUE(registry.RegisterCounter("adds_total", "Adds.", {"name"}).ok());
  ASSERT_TRUE(registry.RegisterHistogram("h", "H.", {"name"}, bounds).ok());

  auto as_gauge = registry.RegisterGauge("adds_total", "Adds.", {"name"});
  ASSERT_FALSE(as_gauge.ok());
  EXPECT_EQ(as_gauge.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(as_gauge.error().message,
            "metric \"adds_total\" is already registered as a counter with labels [name]; "
            "cannot register it as a gauge with labels [name]");

  auto other_labels = registry.RegisterCounter("adds_total", "Adds.", {"name", "kind"});
  ASSERT_FALSE(other_labels.ok());
  EXPECT_EQ(other_labels.error().code, ErrorCode::kAlreadyExists);

  const std::vector<double> other_bounds = {1, 3};
  auto other_buckets = registry.RegisterHistogram("h", "H.", {"name"}, other_bounds);
  ASSERT_FALSE(other_buckets.ok());
  EXPECT_EQ(other_buckets.error().code, ErrorCode::kAlreadyExists);
  EXPECT_THAT(other_buckets.error().message, HasSubstr("different bucket bounds"));
}

// Validates that the accessors for shapes fixed in code return the same family as the Register
// functions and can be chained down to a series.
TEST(Registry, Accessors_ReturnRegisteredFamily) {
  Registry registry;
  auto registered = registry.RegisterCounter("adds_total", "Adds.", {"name"});
  ASSERT_TRUE(registered.ok());

  registry.Counter("adds_total", "Adds.", {"name"}).WithLabels({"q"}).Inc();
  registry.Gauge("depth", "Depth.").WithLabels({}).Set(3);
  registry.Histogram("seconds", "Seconds.", {}, kReconcileTimeBuckets).WithLabels({}).Observe(1);

  EXPECT_EQ(&registry.Counter("adds_total", "Adds.", {"name"}), *registered);
  EXPECT_EQ((*registered)->WithLabels({"q"}).Value(), 1);
  EXPECT_THAT(registry.Expose(), HasSubstr("depth 3\n"));
  EXPECT_THAT(registry.Expose(), HasSubstr("seconds_count 1\n"));
}

// Validates that the accessors abort with the registration error when the shape clashes.
TEST(RegistryDeathTest, Accessor_ShapeClash_Aborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Registry registry;
  registry.Counter("adds_total", "Adds.", {"name"});

  EXPECT_DEATH(registry.Gauge("adds_total", "Adds.", {"name"}),
               "metrics registration failed: metric \"adds_total\" is already registered as a "
               "counter");
}

// Validates that malformed metric names, label names and bucket bounds are refused as Invalid.
TEST(Registry, InvalidNamesOrBuckets_ReturnInvalid) {
  struct Case {
    std::string description;
    std::string name;
    std::vector<std::string> labels;
    std::vector<double> bounds;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<Case> cases = {
      {"empty name", "", {}, {1}},
      {"name starting with a digit", "1abc", {}, {1}},
      {"name with a dash", "a-b", {}, {1}},
      {"label with a colon", "ok", {"a:b"}, {1}},
      {"reserved label", "ok", {"__name"}, {1}},
      {"duplicate label", "ok", {"a", "a"}, {1}},
      {"le on a histogram", "ok", {"le"}, {1}},
      {"unsorted bounds", "ok", {}, {2, 1}},
      {"repeated bound", "ok", {}, {1, 1}},
      {"NaN bound", "ok", {}, {nan}},
      {"-Inf bound", "ok", {}, {-std::numeric_limits<double>::infinity(), 1}},
  };
  Registry registry;
  for (const Case& c : cases) {
    auto histogram = registry.RegisterHistogram(c.name, "Help.", c.labels, c.bounds);
    ASSERT_FALSE(histogram.ok()) << c.description;
    EXPECT_EQ(histogram.error().code, ErrorCode::kInvalid) << c.description;
  }
  EXPECT_FALSE(registry.RegisterCounter("a-b", "Help.").ok());
  EXPECT_FALSE(registry.RegisterGauge("ok", "Help.", {"__x"}).ok());
  // `le` is reserved for histograms only, and colons are allowed in metric names.
  auto counter = registry.RegisterCounter("ns:adds_total", "Help.", {"le"});
  ASSERT_TRUE(counter.ok()) << counter.error().message;
  (*counter)->WithLabels({"1"}).Inc();
  // Nothing of the refused registrations was kept.
  EXPECT_EQ(
      registry.Expose(),
      "# HELP ns:adds_total Help.\n# TYPE ns:adds_total counter\nns:adds_total{le=\"1\"} 1\n");
}

// Validates that histogram bounds are inclusive, that overflow and NaN land in +Inf, and that
// a trailing +Inf bound is accepted and not duplicated.
TEST(Histogram, Observe_CountsInclusiveUpperBounds) {
  Registry registry;
  const std::vector<double> bounds = {1, 2, std::numeric_limits<double>::infinity()};
  auto histogram = registry.RegisterHistogram("h", "H.", {}, bounds);
  ASSERT_TRUE(histogram.ok()) << histogram.error().message;
  HistogramSeries& series = (*histogram)->WithLabels({});

  for (double value : {1.0, 1.5, 2.0, 5.0, std::numeric_limits<double>::quiet_NaN()}) {
    series.Observe(value);
  }

  EXPECT_EQ(series.UpperBounds(), (std::vector<double>{1, 2}));
  EXPECT_EQ(series.CumulativeCounts(), (std::vector<std::uint64_t>{1, 3, 5}));
  EXPECT_EQ(series.Count(), 5u);
}

// Validates counter and gauge arithmetic, including that a counter ignores negative amounts.
TEST(Series, CounterAndGauge_Arithmetic) {
  Registry registry;
  auto counter = registry.RegisterCounter("c_total", "C.");
  auto gauge = registry.RegisterGauge("g", "G.");
  ASSERT_TRUE(counter.ok() && gauge.ok());
  CounterSeries& c = (*counter)->WithLabels({});
  GaugeSeries& g = (*gauge)->WithLabels({});

  c.Inc();
  c.Add(2.5);
  c.Add(-10);
  g.Set(4);
  g.Inc();
  g.Dec();
  g.Dec();
  g.Add(-0.5);

  EXPECT_EQ(c.Value(), 3.5);
  EXPECT_EQ(g.Value(), 2.5);
}

// Validates that WithLabels returns the same series for the same values and distinct series
// for distinct values.
TEST(Series, WithLabels_SameValues_SameSeries) {
  Registry registry;
  auto counter = registry.RegisterCounter("c_total", "C.", {"a"});
  ASSERT_TRUE(counter.ok());

  CounterSeries& x = (*counter)->WithLabels({"x"});
  EXPECT_EQ(&x, &(*counter)->WithLabels({"x"}));
  EXPECT_NE(&x, &(*counter)->WithLabels({"y"}));
}

// Validates that increments from several threads are all counted.
TEST(Series, ConcurrentIncrements_AreAllCounted) {
  Registry registry;
  auto counter = registry.RegisterCounter("c_total", "C.", {"a"});
  auto histogram = registry.RegisterHistogram("h", "H.", {"a"}, kReconcileTimeBuckets);
  ASSERT_TRUE(counter.ok() && histogram.ok());
  constexpr int kThreads = 4;
  constexpr int kIncrements = 10000;

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      CounterSeries& series = (*counter)->WithLabels({"shared"});
      HistogramSeries& observed = (*histogram)->WithLabels({"shared"});
      for (int i = 0; i < kIncrements; ++i) {
        series.Inc();
        observed.Observe(0.5);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ((*counter)->WithLabels({"shared"}).Value(), kThreads * kIncrements);
  EXPECT_EQ((*histogram)->WithLabels({"shared"}).Count(),
            static_cast<std::uint64_t>(kThreads * kIncrements));
  EXPECT_EQ((*histogram)->WithLabels({"shared"}).Sum(), 0.5 * kThreads * kIncrements);
}

// Validates that a wrong number of label values aborts with a message naming the family.
TEST(SeriesDeathTest, WithLabels_WrongArity_Aborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Registry registry;
  auto counter = registry.RegisterCounter("c_total", "C.", {"a", "b"});
  ASSERT_TRUE(counter.ok());

  EXPECT_DEATH((*counter)->WithLabels({"only-one"}),
               "metric c_total \\[a, b\\]: WithLabels got 1 label values, expected 2");
}

// Validates that the default registry is one process-wide instance.
TEST(Registry, Default_IsOneInstance) { EXPECT_EQ(&Registry::Default(), &Registry::Default()); }

}  // namespace
}  // namespace awio::observability
