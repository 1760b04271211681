// Tests of the manager's command line in src/manager/options.h: Go flag syntax, usage and exit
// codes (inventory-and-remote-irsa spec §7.1, packaging-observability §5.1), the start-up
// validation and its messages (§7.2, the vectors of §13.8), log settings (§7.3, §8.1-§8.4) and
// listener addresses (§7.6).
#include "manager/options.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace awio::manager {
namespace {

using Env = std::map<std::string, std::string, std::less<>>;

EnvLookup FakeEnv(Env values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

struct Parsed {
  int code = 0;
  Options options;
  std::string out;
  std::string err;
};

Parsed Parse(std::vector<std::string> args, Env env = {}) {
  Parsed parsed;
  std::ostringstream out;
  std::ostringstream err;
  parsed.code =
      ParseCommandLine("awio-manager", args, FakeEnv(std::move(env)), &parsed.options, out, err);
  parsed.out = out.str();
  parsed.err = err.str();
  return parsed;
}

// Options that pass validation, for tests that change one thing.
Options ValidOptions() {
  Options options;
  options.cluster_profile_namespaces = "team-a";
  return options;
}

std::string ValidationMessage(Options options, Env env = {}) {
  auto status = Validate(&options, FakeEnv(std::move(env)));
  if (status.ok()) return "<ok>";
  EXPECT_EQ(status.error().code, ErrorCode::kConfiguration);
  return status.error().message;
}

// Validates that no arguments give the §7.1 defaults and our own, with --leader-elect off and
// metrics disabled ("0") as §13.8 requires.
TEST(ParseCommandLine, NoArguments_GivesSpecDefaults) {
  Parsed parsed = Parse({}, {{"TMPDIR", "/var/tmp/x"}});
  ASSERT_EQ(parsed.code, kContinue) << parsed.err;
  const Options& o = parsed.options;
  EXPECT_EQ(o.metrics_bind_address, "0");
  EXPECT_EQ(o.health_probe_bind_address, ":8081");
  EXPECT_FALSE(o.leader_elect);
  EXPECT_EQ(o.clusterprofile_provider_file, "clusterprofile-provider-file.json");
  EXPECT_EQ(o.cluster_profile_namespaces, "");
  EXPECT_EQ(o.pod_identity_webhook_image,
            "public.ecr.aws/eks/amazon-eks-pod-identity-webhook:v0.6.15");
  EXPECT_EQ(o.aws_endpoint_url, "");
  EXPECT_FALSE(o.allow_unsafe_aws_endpoint_urls);
  EXPECT_EQ(o.log_level, "info");
  EXPECT_FALSE(o.log_add_source);
  EXPECT_EQ(o.log_exporter, "");
  EXPECT_EQ(o.log_resource_attributes, "");
  EXPECT_EQ(o.max_concurrent_reconciles, 4);
  EXPECT_EQ(o.kubeconfig, "");
  EXPECT_EQ(o.webhook_cert_dir, "/var/tmp/x/k8s-webhook-server/serving-certs");
  EXPECT_EQ(o.webhook_port, 9443);
  EXPECT_EQ(o.leader_election_namespace, "");
  EXPECT_EQ(o.log_format, "json");
  EXPECT_EQ(parsed.out, "");
  EXPECT_EQ(parsed.err, "");
}

struct CertDirCase {
  std::string description;
  Env env;
  std::string expected;
};

class CertDirTest : public ::testing::TestWithParam<CertDirCase> {};

// Validates that the webhook certificate directory sits under TMPDIR, or /tmp when TMPDIR is
// unset or empty, as Go's os.TempDir decides (§7.3, §7.6).
TEST_P(CertDirTest, DefaultWebhookCertDir_FollowsTmpdir) {
  EXPECT_EQ(DefaultWebhookCertDir(FakeEnv(GetParam().env)), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, CertDirTest,
    ::testing::Values(
        CertDirCase{"Unset", {}, "/tmp/k8s-webhook-server/serving-certs"},
        CertDirCase{"Empty", {{"TMPDIR", ""}}, "/tmp/k8s-webhook-server/serving-certs"},
        CertDirCase{"Set", {{"TMPDIR", "/scratch"}}, "/scratch/k8s-webhook-server/serving-certs"},
        CertDirCase{"TrailingSlash",
                    {{"TMPDIR", "/scratch/"}},
                    "/scratch/k8s-webhook-server/serving-certs"}),
    [](const auto& param_info) { return param_info.param.description; });

struct SyntaxCase {
  std::string description;
  std::vector<std::string> args;
  std::function<void(const Options&)> check;
};

class FlagSyntaxTest : public ::testing::TestWithParam<SyntaxCase> {};

// Validates Go's flag syntax: one or two dashes, `=v` or the next argument for string and int
// flags, bool flags alone or with `=<bool>` in every spelling strconv.ParseBool accepts, base
// prefixes and separators in ints, the last occurrence winning, and `--` ending the flags
// (§5.1 "Go flag semantics").
TEST_P(FlagSyntaxTest, ParseCommandLine_GoSyntax_SetsOption) {
  Parsed parsed = Parse(GetParam().args);
  ASSERT_EQ(parsed.code, kContinue) << parsed.err;
  EXPECT_EQ(parsed.err, "");
  GetParam().check(parsed.options);
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, FlagSyntaxTest,
    ::testing::Values(
        SyntaxCase{
            "SingleDashBool", {"-leader-elect"}, [](auto& o) { EXPECT_TRUE(o.leader_elect); }},
        SyntaxCase{
            "DoubleDashBool", {"--leader-elect"}, [](auto& o) { EXPECT_TRUE(o.leader_elect); }},
        SyntaxCase{"BoolEqualsFalse",
                   {"--leader-elect", "--leader-elect=false"},
                   [](auto& o) { EXPECT_FALSE(o.leader_elect); }},
        SyntaxCase{
            "BoolOne", {"--log-add-source=1"}, [](auto& o) { EXPECT_TRUE(o.log_add_source); }},
        SyntaxCase{"BoolT", {"--log-add-source=t"}, [](auto& o) { EXPECT_TRUE(o.log_add_source); }},
        SyntaxCase{
            "BoolUpperT", {"--log-add-source=T"}, [](auto& o) { EXPECT_TRUE(o.log_add_source); }},
        SyntaxCase{"BoolUpperTrue",
                   {"--log-add-source=TRUE"},
                   [](auto& o) { EXPECT_TRUE(o.log_add_source); }},
        SyntaxCase{"BoolTitleTrue",
                   {"--log-add-source=True"},
                   [](auto& o) { EXPECT_TRUE(o.log_add_source); }},
        SyntaxCase{"BoolZero",
                   {"--log-add-source", "--log-add-source=0"},
                   [](auto& o) { EXPECT_FALSE(o.log_add_source); }},
        SyntaxCase{"BoolUpperF",
                   {"--log-add-source", "--log-add-source=F"},
                   [](auto& o) { EXPECT_FALSE(o.log_add_source); }},
        SyntaxCase{"BoolUpperFalse",
                   {"--log-add-source", "--log-add-source=FALSE"},
                   [](auto& o) { EXPECT_FALSE(o.log_add_source); }},
        SyntaxCase{"BoolTitleFalse",
                   {"--log-add-source", "--log-add-source=False"},
                   [](auto& o) { EXPECT_FALSE(o.log_add_source); }},
        SyntaxCase{"StringEquals",
                   {"--kubeconfig=/etc/hub.yaml"},
                   [](auto& o) { EXPECT_EQ(o.kubeconfig, "/etc/hub.yaml"); }},
        SyntaxCase{"StringNextArgument",
                   {"--kubeconfig", "/etc/hub.yaml"},
                   [](auto& o) { EXPECT_EQ(o.kubeconfig, "/etc/hub.yaml"); }},
        SyntaxCase{"SingleDashString",
                   {"-cluster-profile-namespaces", "team-a"},
                   [](auto& o) { EXPECT_EQ(o.cluster_profile_namespaces, "team-a"); }},
        SyntaxCase{"NextArgumentMayStartWithDash",
                   {"--kubeconfig", "-odd-name"},
                   [](auto& o) { EXPECT_EQ(o.kubeconfig, "-odd-name"); }},
        SyntaxCase{"ValueWithEquals",
                   {"--log-resource-attributes=a=b,c=d"},
                   [](auto& o) { EXPECT_EQ(o.log_resource_attributes, "a=b,c=d"); }},
        SyntaxCase{"ExplicitEmptyMetricsAddress",
                   {"--metrics-bind-address="},
                   [](auto& o) { EXPECT_EQ(o.metrics_bind_address, ""); }},
        SyntaxCase{"LastOccurrenceWins",
                   {"--log-level=debug", "--log-level", "error"},
                   [](auto& o) { EXPECT_EQ(o.log_level, "error"); }},
        SyntaxCase{"IntDecimal",
                   {"--max-concurrent-reconciles=12"},
                   [](auto& o) { EXPECT_EQ(o.max_concurrent_reconciles, 12); }},
        SyntaxCase{"IntNextArgument",
                   {"--max-concurrent-reconciles", "7"},
                   [](auto& o) { EXPECT_EQ(o.max_concurrent_reconciles, 7); }},
        SyntaxCase{"IntHex",
                   {"--max-concurrent-reconciles=0x10"},
                   [](auto& o) { EXPECT_EQ(o.max_concurrent_reconciles, 16); }},
        SyntaxCase{"IntLeadingZeroIsOctal",
                   {"--max-concurrent-reconciles=010"},
                   [](auto& o) { EXPECT_EQ(o.max_concurrent_reconciles, 8); }},
        SyntaxCase{"IntBinary",
                   {"--max-concurrent-reconciles=0b101"},
                   [](auto& o) { EXPECT_EQ(o.max_concurrent_reconciles, 5); }},
        SyntaxCase{"IntUnderscores",
                   {"--max-concurrent-reconciles=1_000"},
                   [](auto& o) { EXPECT_EQ(o.max_concurrent_reconciles, 1000); }},
        SyntaxCase{
            "IntSigned", {"--webhook-port=-1"}, [](auto& o) { EXPECT_EQ(o.webhook_port, -1); }},
        SyntaxCase{"DoubleDashEndsFlags",
                   {"--leader-elect", "--"},
                   [](auto& o) { EXPECT_TRUE(o.leader_elect); }},
        SyntaxCase{"OursTogether",
                   {"--webhook-cert-dir=/certs", "--webhook-port=0",
                    "--leader-election-namespace=awio-system", "--log-format=text"},
                   [](auto& o) {
                     EXPECT_EQ(o.webhook_cert_dir, "/certs");
                     EXPECT_EQ(o.webhook_port, 0);
                     EXPECT_EQ(o.leader_election_namespace, "awio-system");
                     EXPECT_EQ(o.log_format, "text");
                   }}),
    [](const auto& param_info) { return param_info.param.description; });

struct UsageErrorCase {
  std::string description;
  std::vector<std::string> args;
  std::string message;  // the first line on stderr
};

class UsageErrorTest : public ::testing::TestWithParam<UsageErrorCase> {};

// Validates that an unknown flag, a bad or missing value, bad syntax or a positional argument
// prints Go's message and the usage on stderr and exits 2, with nothing on stdout (§7.1).
TEST_P(UsageErrorTest, ParseCommandLine_BadArguments_Exit2WithUsage) {
  Parsed parsed = Parse(GetParam().args);
  EXPECT_EQ(parsed.code, kExitUsage);
  EXPECT_EQ(parsed.out, "");
  EXPECT_EQ(parsed.err.substr(0, parsed.err.find('\n')), GetParam().message);
  EXPECT_NE(parsed.err.find("Usage: awio-manager [flags]"), std::string::npos) << parsed.err;
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, UsageErrorTest,
    ::testing::Values(
        UsageErrorCase{"UnknownFlag", {"--foo"}, "flag provided but not defined: -foo"},
        UsageErrorCase{"UnknownFlagWithValue", {"-foo=bar"}, "flag provided but not defined: -foo"},
        UsageErrorCase{"BadBool",
                       {"--leader-elect=maybe"},
                       "invalid boolean value \"maybe\" for -leader-elect: parse error"},
        UsageErrorCase{"EmptyBool",
                       {"--leader-elect="},
                       "invalid boolean value \"\" for -leader-elect: parse error"},
        UsageErrorCase{"BadInt",
                       {"--max-concurrent-reconciles=abc"},
                       "invalid value \"abc\" for flag -max-concurrent-reconciles: parse error"},
        UsageErrorCase{"BadOctalDigit",
                       {"--max-concurrent-reconciles=08"},
                       "invalid value \"08\" for flag -max-concurrent-reconciles: parse error"},
        UsageErrorCase{"MisplacedUnderscore",
                       {"--max-concurrent-reconciles=1__0"},
                       "invalid value \"1__0\" for flag -max-concurrent-reconciles: parse error"},
        UsageErrorCase{"IntOutOfRange",
                       {"--max-concurrent-reconciles=99999999999"},
                       "invalid value \"99999999999\" for flag -max-concurrent-reconciles: value "
                       "out of range"},
        UsageErrorCase{"MissingValue", {"--kubeconfig"}, "flag needs an argument: -kubeconfig"},
        UsageErrorCase{"ThreeDashes", {"---leader-elect"}, "bad flag syntax: ---leader-elect"},
        UsageErrorCase{"DashEquals", {"-=x"}, "bad flag syntax: -=x"},
        UsageErrorCase{"Positional",
                       {"serve"},
                       "unexpected argument \"serve\": this program takes flags only"},
        UsageErrorCase{
            "LoneDash", {"-"}, "unexpected argument \"-\": this program takes flags only"},
        UsageErrorCase{"BoolDoesNotTakeNextArgument",
                       {"--leader-elect", "false"},
                       "unexpected argument \"false\": this program takes flags only"},
        UsageErrorCase{"ArgumentAfterDoubleDash",
                       {"--", "--leader-elect"},
                       "unexpected argument \"--leader-elect\": this program takes flags only"}),
    [](const auto& param_info) { return param_info.param.description; });

class HelpTest : public ::testing::TestWithParam<std::vector<std::string>> {};

// Validates that -h, --help and their variants print the usage on stdout and exit 0 with
// nothing on stderr (§7.1 "-h → usage, exit 0").
TEST_P(HelpTest, ParseCommandLine_Help_UsageOnStdoutExit0) {
  Parsed parsed = Parse(GetParam());
  EXPECT_EQ(parsed.code, kExitOk);
  EXPECT_EQ(parsed.err, "");
  EXPECT_EQ(parsed.out.rfind("Usage: awio-manager [flags]\n", 0), 0u) << parsed.out;
}

INSTANTIATE_TEST_SUITE_P(Vectors, HelpTest,
                         ::testing::Values(std::vector<std::string>{"-h"},
                                           std::vector<std::string>{"--help"},
                                           std::vector<std::string>{"-help"},
                                           std::vector<std::string>{"--h"},
                                           std::vector<std::string>{"--help=yes"},
                                           std::vector<std::string>{"--leader-elect", "-h"}));

// Validates that the usage has one line per flag naming its type and default, with the
// certificate directory's default computed from the environment (our help text, §7.1 names).
TEST(Usage, OneLinePerFlag_WithTypeAndDefault) {
  Parsed parsed = Parse({"--help"}, {{"TMPDIR", "/scratch"}});
  const std::vector<std::string> expected_lines = {
      "--metrics-bind-address string",
      "--health-probe-bind-address string",
      "--leader-elect ",
      "--leader-election-namespace string",
      "--clusterprofile-provider-file string",
      "--cluster-profile-namespaces string",
      "--pod-identity-webhook-image string",
      "--aws-endpoint-url string",
      "--allow-unsafe-aws-endpoint-urls ",
      "--log-level string",
      "--log-format string",
      "--log-add-source ",
      "--log-exporter string",
      "--log-resource-attributes string",
      "--max-concurrent-reconciles int",
      "--kubeconfig string",
      "--webhook-cert-dir string",
      "--webhook-port int",
  };
  std::istringstream lines(parsed.out);
  std::vector<std::string> flag_lines;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  --", 0) == 0) flag_lines.push_back(line);
  }
  ASSERT_EQ(flag_lines.size(), expected_lines.size()) << parsed.out;
  for (size_t i = 0; i < flag_lines.size(); ++i) {
    EXPECT_EQ(flag_lines[i].rfind("  " + expected_lines[i], 0), 0u) << flag_lines[i];
    EXPECT_NE(flag_lines[i].find("(default "), std::string::npos) << flag_lines[i];
  }
  EXPECT_NE(parsed.out.find("(default \"0\")"), std::string::npos);
  EXPECT_NE(parsed.out.find("(default \":8081\")"), std::string::npos);
  EXPECT_NE(parsed.out.find("(default false)"), std::string::npos);
  EXPECT_NE(parsed.out.find("(default 4)"), std::string::npos);
  EXPECT_NE(parsed.out.find("(default 9443)"), std::string::npos);
  EXPECT_NE(parsed.out.find("(default \"/scratch/k8s-webhook-server/serving-certs\")"),
            std::string::npos);
}

// Validates that the argv form names the program by its base name and skips argv[0].
TEST(ParseCommandLine, Argv_UsesProgramBaseName) {
  std::string program = "/usr/local/bin/awio-manager";
  std::string flag = "--nope";
  char* argv[] = {program.data(), flag.data(), nullptr};
  Options options;
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(ParseCommandLine(2, argv, &options, out, err), kExitUsage);
  EXPECT_NE(err.str().find("Usage: awio-manager [flags]"), std::string::npos) << err.str();
}

struct NamespacesCase {
  std::string description;
  std::string value;
  bool all;
  std::vector<std::string> names;
};

class NamespacesAcceptedTest : public ::testing::TestWithParam<NamespacesCase> {};

// Validates that entries are trimmed, duplicates collapse keeping the first, and "*" alone means
// all namespaces (§7.2, §13.8 `" team-a,team-b,team-a "` and `*`).
TEST_P(NamespacesAcceptedTest, Validate_Namespaces_Normalised) {
  Options options = ValidOptions();
  options.cluster_profile_namespaces = GetParam().value;
  auto status = Validate(&options, FakeEnv({}));
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(options.all_cluster_profile_namespaces, GetParam().all);
  EXPECT_EQ(options.cluster_profile_namespace_list, GetParam().names);
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, NamespacesAcceptedTest,
    ::testing::Values(
        NamespacesCase{"SpecDuplicates", " team-a,team-b,team-a ", false, {"team-a", "team-b"}},
        NamespacesCase{"SpecStar", "*", true, {}}, NamespacesCase{"StarTwice", "*, *", true, {}},
        NamespacesCase{"Single", "awio-system", false, {"awio-system"}},
        NamespacesCase{"DigitsOnly", "123", false, {"123"}},
        NamespacesCase{"SixtyThree", std::string(63, 'a'), false, {std::string(63, 'a')}}),
    [](const auto& param_info) { return param_info.param.description; });

class NamespacesRejectedTest : public ::testing::TestWithParam<UsageErrorCase> {};

// Validates each namespace-list error with its exact message (§7.2, §13.8 errors for "",
// `team-a,,team-b`, `team-a,*`, `Team_A`).
TEST_P(NamespacesRejectedTest, Validate_Namespaces_Refused) {
  Options options = ValidOptions();
  options.cluster_profile_namespaces = GetParam().args.front();
  EXPECT_EQ(ValidationMessage(options), GetParam().message);
}

constexpr char kLabelReason[] =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

INSTANTIATE_TEST_SUITE_P(
    Vectors, NamespacesRejectedTest,
    ::testing::Values(
        UsageErrorCase{"Empty", {""}, "--cluster-profile-namespaces is required"},
        UsageErrorCase{"Blank", {"  \t "}, "--cluster-profile-namespaces is required"},
        UsageErrorCase{"EmptyEntry",
                       {"team-a,,team-b"},
                       "--cluster-profile-namespaces must not contain empty entries"},
        UsageErrorCase{"BlankEntry",
                       {"team-a, ,team-b"},
                       "--cluster-profile-namespaces must not contain empty entries"},
        UsageErrorCase{"TrailingComma",
                       {"team-a,"},
                       "--cluster-profile-namespaces must not contain empty entries"},
        UsageErrorCase{"StarAfterName",
                       {"team-a,*"},
                       "--cluster-profile-namespaces must be either \"*\" or explicit "
                       "namespaces, not both"},
        UsageErrorCase{"StarBeforeName",
                       {"*,team-a"},
                       "--cluster-profile-namespaces must be either \"*\" or explicit "
                       "namespaces, not both"},
        UsageErrorCase{"UpperCaseAndUnderscore",
                       {"Team_A"},
                       std::string("--cluster-profile-namespaces entry \"Team_A\" must be a "
                                   "valid namespace name: ") +
                           kLabelReason},
        UsageErrorCase{"TooLong",
                       {std::string(64, 'a')},
                       "--cluster-profile-namespaces entry \"" + std::string(64, 'a') +
                           "\" must be a valid namespace name: must be no more than 63 "
                           "characters"},
        UsageErrorCase{"TooLongAndInvalid",
                       {std::string(64, 'a') + "-"},
                       "--cluster-profile-namespaces entry \"" + std::string(64, 'a') +
                           "-\" must be a valid namespace name: must be no more than 63 "
                           "characters; " +
                           kLabelReason},
        UsageErrorCase{"LeadingDash",
                       {"-team"},
                       std::string("--cluster-profile-namespaces entry \"-team\" must be a valid "
                                   "namespace name: ") +
                           kLabelReason}),
    [](const auto& param_info) { return param_info.param.description; });

struct EndpointCase {
  std::string description;
  std::string url;
  bool allow_unsafe;
  std::string message;  // "<ok>" when accepted
};

class EndpointTest : public ::testing::TestWithParam<EndpointCase> {};

// Validates the --aws-endpoint-url vectors of §13.8 and the messages of §7.2.
TEST_P(EndpointTest, Validate_AwsEndpointUrl_SpecVectors) {
  Options options = ValidOptions();
  options.aws_endpoint_url = GetParam().url;
  options.allow_unsafe_aws_endpoint_urls = GetParam().allow_unsafe;
  EXPECT_EQ(ValidationMessage(options), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, EndpointTest,
    ::testing::Values(EndpointCase{"Empty", "", false, "<ok>"},
                      EndpointCase{"Https", "https://aws-endpoint.example.com", false, "<ok>"},
                      EndpointCase{"HttpRefused", "http://aws-endpoint.example.com", false,
                                   "using an unsafe AWS endpoint URL is not allowed"},
                      EndpointCase{"HttpAllowed", "http://aws-endpoint.example.com", true, "<ok>"},
                      EndpointCase{"HostPort", "aws-endpoint.example.com:9000", true,
                                   "--aws-endpoint-url must be an absolute URL with a host"},
                      EndpointCase{"EmptyHost", "https://:443", true,
                                   "--aws-endpoint-url must be an absolute URL with a host"},
                      EndpointCase{"OneSlash", "https:/bad", true,
                                   "--aws-endpoint-url must be an absolute URL with a host"},
                      EndpointCase{"Ftp", "ftp://aws-endpoint.example.com", true,
                                   "--aws-endpoint-url scheme must be http or https"}),
    [](const auto& param_info) { return param_info.param.description; });

struct LogLevelCase {
  std::string description;
  std::string value;
  log::Level expected;
};

class LogLevelTest : public ::testing::TestWithParam<LogLevelCase> {};

// Validates the --log-level values, trimmed and case-insensitive, with trace mapped to our most
// detailed level and empty meaning info (§7.1, §8.4).
TEST_P(LogLevelTest, Validate_LogLevel_Mapped) {
  Options options = ValidOptions();
  options.log_level = GetParam().value;
  auto status = Validate(&options, FakeEnv({}));
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(options.log_level_value, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Vectors, LogLevelTest,
                         ::testing::Values(LogLevelCase{"Empty", "", log::Level::kInfo},
                                           LogLevelCase{"Info", "info", log::Level::kInfo},
                                           LogLevelCase{"TraceUpper", "TRACE", log::Level::kDebug},
                                           LogLevelCase{"Debug", "debug", log::Level::kDebug},
                                           LogLevelCase{"Warn", "warn", log::Level::kWarn},
                                           LogLevelCase{"WarningPadded", " Warning ",
                                                        log::Level::kWarn},
                                           LogLevelCase{"Error", "error", log::Level::kError}),
                         [](const auto& param_info) { return param_info.param.description; });

// Validates that an unknown level is a logger configuration error naming the value (§7.2).
TEST(Validate, UnknownLogLevel_IsLoggerError) {
  Options options = ValidOptions();
  options.log_level = "verbose";
  EXPECT_EQ(ValidationMessage(options),
            "unable to configure logger: unsupported log level "
            "\"verbose\"");
}

struct ExporterCase {
  std::string description;
  std::string flag;
  Env env;
  std::string expected;  // "otlp", "console", "none" or the error message
};

class ExporterTest : public ::testing::TestWithParam<ExporterCase> {};

std::string ExporterName(LogExporter exporter) {
  switch (exporter) {
    case LogExporter::kOtlp:
      return "otlp";
    case LogExporter::kConsole:
      return "console";
    case LogExporter::kNone:
      return "none";
  }
  return "?";
}

// Validates the exporter choice: the flag, else OTEL_LOGS_EXPORTER, else otlp; trimmed and
// lower-cased; anything else refused (§7.1, §8.1).
TEST_P(ExporterTest, Validate_LogExporter_Resolved) {
  Options options = ValidOptions();
  options.log_exporter = GetParam().flag;
  auto status = Validate(&options, FakeEnv(GetParam().env));
  EXPECT_EQ(status.ok() ? ExporterName(options.log_exporter_value) : status.error().message,
            GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, ExporterTest,
    ::testing::Values(
        ExporterCase{"Default", "", {}, "otlp"},
        ExporterCase{"FromEnvironment", "", {{"OTEL_LOGS_EXPORTER", "none"}}, "none"},
        ExporterCase{
            "BlankFlagUsesEnvironment", "  ", {{"OTEL_LOGS_EXPORTER", " Console "}}, "console"},
        ExporterCase{
            "FlagWinsOverEnvironment", "console", {{"OTEL_LOGS_EXPORTER", "none"}}, "console"},
        ExporterCase{"FlagUpperCase", " OTLP ", {}, "otlp"},
        ExporterCase{"UnknownFlag",
                     "stdout",
                     {},
                     "unable to configure logger: unsupported log exporter \"stdout\""},
        ExporterCase{"UnknownEnvironment",
                     "",
                     {{"OTEL_LOGS_EXPORTER", "zipkin"}},
                     "unable to configure logger: unsupported log exporter \"zipkin\""}),
    [](const auto& param_info) { return param_info.param.description; });

// Validates --log-format: json and text, case-insensitive; anything else is a logger error.
TEST(Validate, LogFormat_JsonTextOrError) {
  Options options = ValidOptions();
  options.log_format = "TEXT";
  ASSERT_TRUE(Validate(&options, FakeEnv({})).ok());
  EXPECT_EQ(options.log_format_value, log::Format::kText);
  options.log_format = "json";
  ASSERT_TRUE(Validate(&options, FakeEnv({})).ok());
  EXPECT_EQ(options.log_format_value, log::Format::kJson);
  options.log_format = "xml";
  EXPECT_EQ(ValidationMessage(options),
            "unable to configure logger: unsupported log format \"xml\"");
}

// Validates that resource attributes are split, trimmed, blank items skipped and values
// path-unescaped ('+' kept), in order (§7.1, §8.3).
TEST(ParseResourceAttributes, Items_TrimmedUnescapedInOrder) {
  auto attributes = ParseResourceAttributes(" a=b, c = d%20e ,, k=x+y,eq=1=2 ,  ");
  ASSERT_TRUE(attributes.ok()) << attributes.error().message;
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"a", "b"}, {"c", "d e"}, {"k", "x+y"}, {"eq", "1=2"}};
  EXPECT_EQ(*attributes, expected);
  auto empty = ParseResourceAttributes("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

// Validates the three attribute errors and the flag's prefix on them (§7.1 "an item lacking `=`
// or with an empty key is an error", §8.3 "invalid escapes are fatal").
TEST(Validate, BadResourceAttributes_AreFlagErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a=b,novalue", "invalid --log-resource-attributes: item \"novalue\" is not key=value"},
      {"=v", "invalid --log-resource-attributes: item \"=v\" has an empty key"},
      {" =v", "invalid --log-resource-attributes: item \"=v\" has an empty key"},
      {"k=%zz", "invalid --log-resource-attributes: item \"k=%zz\": invalid URL escape \"%zz\""},
      {"k=%4", "invalid --log-resource-attributes: item \"k=%4\": invalid URL escape \"%4\""},
  };
  for (const auto& [value, message] : cases) {
    Options options = ValidOptions();
    options.log_resource_attributes = value;
    EXPECT_EQ(ValidationMessage(options), message) << value;
  }
  Options options = ValidOptions();
  options.log_resource_attributes = "service.name=awio,team=a%2Fb";
  ASSERT_TRUE(Validate(&options, FakeEnv({})).ok());
  const std::vector<std::pair<std::string, std::string>> expected = {{"service.name", "awio"},
                                                                     {"team", "a/b"}};
  EXPECT_EQ(options.resource_attributes, expected);
}

struct BindCase {
  std::string description;
  std::string address;
  std::optional<ListenAddress> expected;
};

class BindAddressTest : public ::testing::TestWithParam<BindCase> {};

// Validates listener address parsing: ":port" means every interface, IPv6 in brackets, decimal
// ports up to 65535 (0 lets the kernel pick), anything else malformed (§7.6).
TEST_P(BindAddressTest, ParseBindAddress_Vectors) {
  EXPECT_EQ(ParseBindAddress(GetParam().address), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, BindAddressTest,
    ::testing::Values(BindCase{"AllInterfaces", ":8080", ListenAddress{"0.0.0.0", 8080}},
                      BindCase{"Loopback", "127.0.0.1:9090", ListenAddress{"127.0.0.1", 9090}},
                      BindCase{"Name", "localhost:65535", ListenAddress{"localhost", 65535}},
                      BindCase{"Ipv6", "[::1]:80", ListenAddress{"::1", 80}},
                      BindCase{"KernelPicks", ":0", ListenAddress{"0.0.0.0", 0}},
                      BindCase{"NoColon", "8080", std::nullopt},
                      BindCase{"Empty", "", std::nullopt}, BindCase{"ColonOnly", ":", std::nullopt},
                      BindCase{"PortTooBig", ":65536", std::nullopt},
                      BindCase{"NegativePort", ":-1", std::nullopt},
                      BindCase{"ServiceName", "localhost:http", std::nullopt},
                      BindCase{"BareIpv6", "::1:80", std::nullopt},
                      BindCase{"Ipv6NoColon", "[::1]80", std::nullopt},
                      BindCase{"Ipv6Empty", "[]:80", std::nullopt},
                      BindCase{"Ipv6Unclosed", "[::1:80", std::nullopt}),
    [](const auto& param_info) { return param_info.param.description; });

// Validates the metrics listener rules: "0" disables, an explicitly empty value means :8080,
// anything else must parse (§7.1, §13.8 "keep :8080 / 0").
TEST(Validate, MetricsBindAddress_DisableDefaultAndExplicit) {
  Options options = ValidOptions();
  ASSERT_TRUE(Validate(&options, FakeEnv({})).ok());
  EXPECT_EQ(options.metrics_listen, std::nullopt);
  options.metrics_bind_address = "";
  ASSERT_TRUE(Validate(&options, FakeEnv({})).ok());
  EXPECT_EQ(options.metrics_listen, (ListenAddress{"0.0.0.0", 8080}));
  options.metrics_bind_address = "127.0.0.1:0";
  ASSERT_TRUE(Validate(&options, FakeEnv({})).ok());
  EXPECT_EQ(options.metrics_listen, (ListenAddress{"127.0.0.1", 0}));
  options.metrics_bind_address = "8080";
  EXPECT_EQ(ValidationMessage(options),
            "invalid --metrics-bind-address \"8080\": want host:port, :port or \"0\" to disable");
}

// Validates the probe listener rules: "0" and empty both disable, the default is :8081 (§7.1).
TEST(Validate, HealthProbeBindAddress_ZeroOrEmptyDisables) {
  Options options = ValidOptions();
  ASSERT_TRUE(Validate(&options, FakeEnv({})).ok());
  EXPECT_EQ(options.health_probe_listen, (ListenAddress{"0.0.0.0", 8081}));
  for (const char* disabled : {"0", ""}) {
    options.health_probe_bind_address = disabled;
    ASSERT_TRUE(Validate(&options, FakeEnv({})).ok());
    EXPECT_EQ(options.health_probe_listen, std::nullopt) << disabled;
  }
  options.health_probe_bind_address = "nope";
  EXPECT_EQ(ValidationMessage(options),
            "invalid --health-probe-bind-address \"nope\": want host:port, :port, or \"0\" or "
            "empty to disable");
}

// Validates the worker count and webhook port bounds.
TEST(Validate, WorkerCountAndWebhookPort_Bounded) {
  Options options = ValidOptions();
  options.max_concurrent_reconciles = 0;
  EXPECT_EQ(ValidationMessage(options), "--max-concurrent-reconciles must be at least 1");
  options.max_concurrent_reconciles = 1;
  EXPECT_EQ(ValidationMessage(options), "<ok>");
  options.webhook_port = 65536;
  EXPECT_EQ(ValidationMessage(options), "--webhook-port must be between 0 and 65535");
  options.webhook_port = -1;
  EXPECT_EQ(ValidationMessage(options), "--webhook-port must be between 0 and 65535");
  options.webhook_port = 0;
  EXPECT_EQ(ValidationMessage(options), "<ok>");
}

// Validates the order of §7.2: the namespace list is checked before the endpoint URL, and both
// before the logger settings.
TEST(Validate, SeveralProblems_NamespacesReportedFirst) {
  Options options;
  options.aws_endpoint_url = "ftp://x";
  options.log_level = "loud";
  EXPECT_EQ(ValidationMessage(options), "--cluster-profile-namespaces is required");
  options.cluster_profile_namespaces = "team-a";
  EXPECT_EQ(ValidationMessage(options), "--aws-endpoint-url scheme must be http or https");
  options.aws_endpoint_url = "";
  EXPECT_EQ(ValidationMessage(options),
            "unable to configure logger: unsupported log level \"loud\"");
}

// Validates where the Lease lives: the flag when set, else the service-account namespace file,
// else a configuration error (§7.5, and our --leader-election-namespace).
TEST(LeaderElectionNamespace, FlagThenFileThenError) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("awio-options-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "namespace";
  std::ofstream(file) << "awio-system\n";

  Options options;
  auto from_file = LeaderElectionNamespace(options, file.string());
  ASSERT_TRUE(from_file.ok()) << from_file.error().message;
  EXPECT_EQ(*from_file, "awio-system");

  options.leader_election_namespace = "elsewhere";
  auto from_flag = LeaderElectionNamespace(options, file.string());
  ASSERT_TRUE(from_flag.ok());
  EXPECT_EQ(*from_flag, "elsewhere");

  options.leader_election_namespace.clear();
  auto missing = LeaderElectionNamespace(options, (dir / "absent").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kConfiguration);
  EXPECT_NE(missing.error().message.find("--leader-election-namespace"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace awio::manager
