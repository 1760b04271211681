// Implementation of the manager's command line (options.h). The flag loop follows Go's
// flag.FlagSet.Parse step by step (which arguments are flags, where values come from, the error
// texts) so that argument lists written for the original behave the same here.
#include "manager/options.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "aws/endpoint.h"
#include "base/strings.h"

namespace awio::manager {
namespace {

// Kubernetes limits a label (and so a namespace name) to 63 characters (RFC 1123).
constexpr size_t kMaxLabelLength = 63;
// Width of the "--name type" column of the usage text.
constexpr size_t kUsageNameColumn = 42;

enum class FlagType { kString, kBool, kInt };

// One flag: its name without dashes, its kind, what it means, and the Options field it sets
// (exactly one of the three member pointers is set, matching `type`).
struct Flag {
  std::string_view name;
  FlagType type;
  std::string_view meaning;
  std::string Options::*text = nullptr;
  bool Options::*boolean = nullptr;
  int Options::*number = nullptr;
};

Flag StringFlag(std::string_view name, std::string Options::*field, std::string_view meaning) {
  return {name, FlagType::kString, meaning, field, nullptr, nullptr};
}
Flag BoolFlag(std::string_view name, bool Options::*field, std::string_view meaning) {
  return {name, FlagType::kBool, meaning, nullptr, field, nullptr};
}
Flag IntFlag(std::string_view name, int Options::*field, std::string_view meaning) {
  return {name, FlagType::kInt, meaning, nullptr, nullptr, field};
}

// Every flag, in the order the usage lists them.
const std::vector<Flag>& Flags() {
  static const std::vector<Flag> flags = {
      StringFlag("metrics-bind-address", &Options::metrics_bind_address,
                 "Address of the /metrics listener (host:port); \"0\" disables it, an empty "
                 "value means :8080"),
      StringFlag("health-probe-bind-address", &Options::health_probe_bind_address,
                 "Address of the /healthz and /readyz listener; \"0\" or empty disables it"),
      BoolFlag("leader-elect", &Options::leader_elect,
               "Run controllers only while holding the leader-election Lease"),
      StringFlag("leader-election-namespace", &Options::leader_election_namespace,
                 "Namespace of the leader-election Lease; empty: the Pod's own namespace"),
      StringFlag("clusterprofile-provider-file", &Options::clusterprofile_provider_file,
                 "Cluster Inventory access-provider file (JSON)"),
      StringFlag("cluster-profile-namespaces", &Options::cluster_profile_namespaces,
                 "Required: comma-separated namespaces whose ClusterProfiles are watched, or "
                 "\"*\" for all"),
      StringFlag("pod-identity-webhook-image", &Options::pod_identity_webhook_image,
                 "Image of the pod identity webhook deployed to SelfHostedIRSA target clusters"),
      StringFlag("aws-endpoint-url", &Options::aws_endpoint_url,
                 "Endpoint for the manager's own AWS (S3) calls; empty: the regional endpoint"),
      BoolFlag("allow-unsafe-aws-endpoint-urls", &Options::allow_unsafe_aws_endpoint_urls,
               "Allow an http:// --aws-endpoint-url"),
      StringFlag("log-level", &Options::log_level, "trace, debug, info, warn (or warning), error"),
      StringFlag("log-format", &Options::log_format, "Log record format: json or text"),
      BoolFlag("log-add-source", &Options::log_add_source,
               "Accepted for compatibility with the original; records carry no source location"),
      StringFlag("log-exporter", &Options::log_exporter,
                 "otlp, console or none; empty: $OTEL_LOGS_EXPORTER, else otlp (otlp and "
                 "console write to stderr)"),
      StringFlag("log-resource-attributes", &Options::log_resource_attributes,
                 "Comma-separated key=value resource attributes (values %-unescaped)"),
      IntFlag("max-concurrent-reconciles", &Options::max_concurrent_reconciles,
              "Reconcile workers of each operator controller"),
      StringFlag(
          "kubeconfig", &Options::kubeconfig,
          "Hub kubeconfig; empty: $KUBECONFIG when set, else in-cluster, else ~/.kube/config"),
      StringFlag("webhook-cert-dir", &Options::webhook_cert_dir,
                 "Directory holding the webhook's tls.crt and tls.key"),
      IntFlag("webhook-port", &Options::webhook_port,
              "Port of the admission webhook server; 0 lets the kernel pick one"),
  };
  return flags;
}

const Flag* FindFlag(std::string_view name) {
  for (const Flag& flag : Flags()) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

// Go's strconv.ParseBool.
std::optional<bool> ParseGoBool(std::string_view text) {
  static constexpr std::array<std::string_view, 6> kTrue = {"1", "t", "T", "TRUE", "true", "True"};
  static constexpr std::array<std::string_view, 6> kFalse = {"0",     "f",     "F",
                                                             "FALSE", "false", "False"};
  if (std::find(kTrue.begin(), kTrue.end(), text) != kTrue.end()) return true;
  if (std::find(kFalse.begin(), kFalse.end(), text) != kFalse.end()) return false;
  return std::nullopt;
}

// Go's strconv underscoreOK: '_' only between digits, or between a base prefix and a digit.
bool UnderscoresOk(std::string_view text) {
  char saw = '^';  // '^' start, '0' digit or prefix, '_' underscore, '!' other
  size_t i = 0;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) ++i;
  bool hex = false;
  if (text.size() - i >= 2 && text[i] == '0') {
    const char b = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i + 1])));
    if (b == 'b' || b == 'o' || b == 'x') {
      hex = b == 'x';
      i += 2;
      saw = '0';
    }
  }
  for (; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (std::isdigit(c) || (hex && std::isxdigit(c))) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// Go's strconv.ParseInt(text, 0, 64) narrowed to int: an optional sign, then decimal, 0x hex,
// 0o or leading-0 octal, or 0b binary, with '_' separators. The error is the flag package's word
// for the failure: "parse error" or "value out of range".
Result<int> ParseGoInt(std::string_view text) {
  const auto parse_error = [] { return MakeError(ErrorCode::kInvalid, "parse error"); };
  const auto out_of_range = [] { return MakeError(ErrorCode::kInvalid, "value out of range"); };
  if (text.empty()) return parse_error();
  std::string_view digits = text;
  bool negative = false;
  if (digits.front() == '+' || digits.front() == '-') {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return parse_error();

  int base = 10;
  bool prefixed = false;
  if (digits.size() >= 2 && digits[0] == '0') {
    switch (std::tolower(static_cast<unsigned char>(digits[1]))) {
      case 'x':
        base = 16;
        prefixed = true;
        break;
      case 'o':
        base = 8;
        prefixed = true;
        break;
      case 'b':
        base = 2;
        prefixed = true;
        break;
      default:
        base = 8;  // a leading 0 alone means octal
        digits.remove_prefix(1);
        break;
    }
    if (prefixed) digits.remove_prefix(2);
  }
  if (prefixed && digits.empty()) return parse_error();
  if (text.find('_') != std::string_view::npos && !UnderscoresOk(text)) return parse_error();

  unsigned long long value = 0;
  for (const unsigned char c : digits) {
    if (c == '_') continue;
    int digit;
    if (std::isdigit(c)) {
      digit = c - '0';
    } else if (std::isalpha(c)) {
      digit = std::tolower(c) - 'a' + 10;
    } else {
      return parse_error();
    }
    if (digit >= base) return parse_error();
    if (value > (std::numeric_limits<unsigned long long>::max() - static_cast<unsigned>(digit)) /
                    static_cast<unsigned>(base)) {
      return out_of_range();
    }
    value = value * static_cast<unsigned>(base) + static_cast<unsigned>(digit);
  }
  const auto limit = negative ? static_cast<unsigned long long>(std::numeric_limits<int>::max()) + 1
                              : static_cast<unsigned long long>(std::numeric_limits<int>::max());
  if (value > limit) return out_of_range();
  if (negative) return static_cast<int>(-static_cast<long long>(value));
  return static_cast<int>(value);
}

std::string DefaultText(const Flag& flag, const Options& defaults) {
  switch (flag.type) {
    case FlagType::kString:
      return base::GoQuote(defaults.*flag.text);
    case FlagType::kBool:
      return defaults.*flag.boolean ? "true" : "false";
    case FlagType::kInt:
      return std::to_string(defaults.*flag.number);
  }
  return {};
}

std::string UsageWith(std::string_view program, const Options& defaults) {
  std::string usage = "Usage: " + std::string(program) + " [flags]\n\n";
  usage +=
      "Runs the aws-workload-identity-operator manager: the controllers of the "
      "aws.identity.appthrust.io\nresources, the admission webhook, /metrics and the health "
      "probes, until SIGTERM or SIGINT.\nFlags take one or two dashes; values follow '=' or "
      "the next argument (bool flags take only '=').\n\nFlags:\n";
  for (const Flag& flag : Flags()) {
    std::string left = "  --" + std::string(flag.name);
    if (flag.type == FlagType::kString) left += " string";
    if (flag.type == FlagType::kInt) left += " int";
    if (left.size() < kUsageNameColumn) left.resize(kUsageNameColumn, ' ');
    usage +=
        left + " " + std::string(flag.meaning) + " (default " + DefaultText(flag, defaults) + ")\n";
  }
  return usage;
}

Options DefaultOptions(const EnvLookup& env) {
  Options options;
  options.webhook_cert_dir = DefaultWebhookCertDir(env);
  return options;
}

// Go's url.PathUnescape: %XX decoded, '+' kept; a malformed escape is an error naming it.
Result<std::string> PathUnescape(std::string_view text) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size() || hex(text[i + 1]) < 0 || hex(text[i + 2]) < 0) {
      return MakeError(ErrorCode::kInvalid,
                       "invalid URL escape " + base::GoQuote(text.substr(i, 3)));
    }
    out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
    i += 2;
  }
  return out;
}

Error ConfigurationError(std::string message) {
  return MakeError(ErrorCode::kConfiguration, std::move(message));
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::string DefaultWebhookCertDir(const EnvLookup& env) {
  std::string dir = env("TMPDIR").value_or("");
  if (dir.empty()) dir = "/tmp";
  if (dir.back() != '/') dir += '/';
  return dir + std::string(kWebhookCertSubdirectory);
}

std::string Usage(std::string_view program) {
  return UsageWith(program, DefaultOptions(ProcessEnvironment()));
}

int ParseCommandLine(int argc, char** argv, Options* out, std::ostream& out_stream,
                     std::ostream& err_stream) {
  std::string program = argc > 0 && argv[0] != nullptr ? argv[0] : "manager";
  if (const auto slash = program.rfind('/'); slash != std::string::npos) {
    program = program.substr(slash + 1);
  }
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return ParseCommandLine(program, args, ProcessEnvironment(), out, out_stream, err_stream);
}

int ParseCommandLine(std::string_view program, std::span<const std::string> args,
                     const EnvLookup& env, Options* out, std::ostream& out_stream,
                     std::ostream& err_stream) {
  *out = DefaultOptions(env);
  const Options defaults = *out;
  const auto fail = [&](const std::string& message) {
    err_stream << message << "\n" << UsageWith(program, defaults);
    return kExitUsage;
  };

  size_t next = 0;
  while (next < args.size()) {
    const std::string& arg = args[next];
    if (arg.size() < 2 || arg[0] != '-') {
      return fail("unexpected argument " + base::GoQuote(arg) + ": this program takes flags only");
    }
    ++next;
    size_t dashes = 1;
    if (arg[1] == '-') {
      if (arg.size() == 2) break;  // "--" ends the flags
      dashes = 2;
    }
    std::string_view name = std::string_view(arg).substr(dashes);
    if (name.empty() || name.front() == '-' || name.front() == '=') {
      return fail("bad flag syntax: " + arg);
    }
    std::optional<std::string_view> value;
    if (const auto equals = name.find('=', 1); equals != std::string_view::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    }

    const Flag* flag = FindFlag(name);
    if (flag == nullptr) {
      if (name == "help" || name == "h") {
        out_stream << UsageWith(program, defaults);
        return kExitOk;
      }
      return fail("flag provided but not defined: -" + std::string(name));
    }
    if (flag->type == FlagType::kBool) {
      // A bool flag never takes the next argument: `--leader-elect false` leaves "false" over.
      const auto parsed = value ? ParseGoBool(*value) : std::optional<bool>(true);
      if (!parsed) {
        return fail("invalid boolean value " + base::GoQuote(*value) + " for -" +
                    std::string(name) + ": parse error");
      }
      out->*flag->boolean = *parsed;
      continue;
    }
    if (!value) {
      if (next >= args.size()) return fail("flag needs an argument: -" + std::string(name));
      value = args[next++];
    }
    if (flag->type == FlagType::kString) {
      out->*flag->text = std::string(*value);
      continue;
    }
    auto number = ParseGoInt(*value);
    if (!number.ok()) {
      return fail("invalid value " + base::GoQuote(*value) + " for flag -" + std::string(name) +
                  ": " + number.error().message);
    }
    out->*flag->number = *number;
  }
  if (next < args.size()) {
    return fail("unexpected argument " + base::GoQuote(args[next]) +
                ": this program takes flags only");
  }
  return kContinue;
}

std::vector<std::string> Rfc1123LabelErrors(std::string_view name) {
  std::vector<std::string> errors;
  if (name.size() > kMaxLabelLength) {
    errors.push_back("must be no more than " + std::to_string(kMaxLabelLength) + " characters");
  }
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  const bool matches =
      !name.empty() && alnum(name.front()) && alnum(name.back()) &&
      std::all_of(name.begin(), name.end(), [&](char c) { return alnum(c) || c == '-'; });
  if (!matches) {
    // Kubernetes' RegexError text, double space included.
    errors.push_back(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
        "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
        "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
  }
  return errors;
}

Result<std::vector<std::string>> ParseClusterProfileNamespaces(std::string_view value, bool* all) {
  *all = false;
  if (Trim(value).empty()) return ConfigurationError("--cluster-profile-namespaces is required");
  std::vector<std::string> names;
  for (const std::string_view raw : Split(value, ',')) {
    const std::string_view entry = Trim(raw);
    if (entry.empty()) {
      return ConfigurationError("--cluster-profile-namespaces must not contain empty entries");
    }
    if (entry == "*") {
      *all = true;
      continue;
    }
    if (auto errors = Rfc1123LabelErrors(entry); !errors.empty()) {
      std::string reasons;
      for (const std::string& reason : errors) {
        reasons += (reasons.empty() ? "" : "; ") + reason;
      }
      return ConfigurationError("--cluster-profile-namespaces entry " + base::GoQuote(entry) +
                                " must be a valid namespace name: " + reasons);
    }
    if (std::find(names.begin(), names.end(), entry) == names.end()) {
      names.emplace_back(entry);
    }
  }
  if (*all && !names.empty()) {
    return ConfigurationError(
        "--cluster-profile-namespaces must be either \"*\" or explicit namespaces, not both");
  }
  return names;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseResourceAttributes(
    std::string_view value) {
  std::vector<std::pair<std::string, std::string>> attributes;
  for (const std::string_view raw : Split(value, ',')) {
    const std::string_view item = Trim(raw);
    if (item.empty()) continue;
    const auto equals = item.find('=');
    if (equals == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalid, "item " + base::GoQuote(item) + " is not key=value");
    }
    const std::string_view key = Trim(item.substr(0, equals));
    if (key.empty()) {
      return MakeError(ErrorCode::kInvalid, "item " + base::GoQuote(item) + " has an empty key");
    }
    auto unescaped = PathUnescape(Trim(item.substr(equals + 1)));
    if (!unescaped.ok()) {
      return MakeError(ErrorCode::kInvalid,
                       "item " + base::GoQuote(item) + ": " + unescaped.error().message);
    }
    attributes.emplace_back(std::string(key), std::move(*unescaped));
  }
  return attributes;
}

std::optional<ListenAddress> ParseBindAddress(std::string_view address) {
  std::string_view host;
  std::string_view port;
  if (!address.empty() && address.front() == '[') {
    const auto close = address.find(']');
    if (close == std::string_view::npos || address.substr(close + 1, 1) != ":") {
      return std::nullopt;
    }
    host = address.substr(1, close - 1);
    port = address.substr(close + 2);
    if (host.empty()) return std::nullopt;
  } else {
    const auto colon = address.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
    // An unbracketed IPv6 address is ambiguous ("::1:80"); Go refuses it too.
    if (host.find(':') != std::string_view::npos) return std::nullopt;
  }
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const int number = std::stoi(std::string(port));
  if (number > kMaxPort) return std::nullopt;
  return ListenAddress{host.empty() ? std::string("0.0.0.0") : std::string(host), number};
}

Status Validate(Options* options) { return Validate(options, ProcessEnvironment()); }

Status Validate(Options* options, const EnvLookup& env) {
  auto namespaces = ParseClusterProfileNamespaces(options->cluster_profile_namespaces,
                                                  &options->all_cluster_profile_namespaces);
  if (!namespaces.ok()) return namespaces.error();
  options->cluster_profile_namespace_list = std::move(*namespaces);

  if (auto endpoint = aws::ValidateAwsEndpointUrl(options->aws_endpoint_url,
                                                  options->allow_unsafe_aws_endpoint_urls);
      !endpoint.ok()) {
    return ConfigurationError(endpoint.error().message);
  }

  auto attributes = ParseResourceAttributes(options->log_resource_attributes);
  if (!attributes.ok()) {
    return ConfigurationError("invalid --log-resource-attributes: " + attributes.error().message);
  }
  options->resource_attributes = std::move(*attributes);

  const std::string level = Lower(Trim(options->log_level));
  if (level.empty() || level == "info") {
    options->log_level_value = log::Level::kInfo;
  } else if (level == "trace" || level == "debug") {
    options->log_level_value = log::Level::kDebug;  // our facade has no finer level
  } else if (level == "warn" || level == "warning") {
    options->log_level_value = log::Level::kWarn;
  } else if (level == "error") {
    options->log_level_value = log::Level::kError;
  } else {
    return ConfigurationError("unable to configure logger: unsupported log level " +
                              base::GoQuote(options->log_level));
  }

  std::string exporter = Lower(Trim(options->log_exporter));
  if (exporter.empty()) exporter = Lower(Trim(env("OTEL_LOGS_EXPORTER").value_or("")));
  if (exporter.empty() || exporter == "otlp") {
    options->log_exporter_value = LogExporter::kOtlp;
  } else if (exporter == "console") {
    options->log_exporter_value = LogExporter::kConsole;
  } else if (exporter == "none") {
    options->log_exporter_value = LogExporter::kNone;
  } else {
    return ConfigurationError("unable to configure logger: unsupported log exporter " +
                              base::GoQuote(exporter));
  }

  const std::string format = Lower(Trim(options->log_format));
  if (format == "json") {
    options->log_format_value = log::Format::kJson;
  } else if (format == "text") {
    options->log_format_value = log::Format::kText;
  } else {
    return ConfigurationError("unable to configure logger: unsupported log format " +
                              base::GoQuote(options->log_format));
  }

  const std::string& metrics = options->metrics_bind_address;
  if (metrics == kDefaultMetricsBindAddress) {
    options->metrics_listen.reset();
  } else {
    options->metrics_listen =
        ParseBindAddress(metrics.empty() ? kMetricsBindAddressWhenEmpty : metrics);
    if (!options->metrics_listen) {
      return ConfigurationError("invalid --metrics-bind-address " + base::GoQuote(metrics) +
                                ": want host:port, :port or \"0\" to disable");
    }
  }
  const std::string& health = options->health_probe_bind_address;
  if (health.empty() || health == "0") {
    options->health_probe_listen.reset();
  } else {
    options->health_probe_listen = ParseBindAddress(health);
    if (!options->health_probe_listen) {
      return ConfigurationError("invalid --health-probe-bind-address " + base::GoQuote(health) +
                                ": want host:port, :port, or \"0\" or empty to disable");
    }
  }

  if (options->max_concurrent_reconciles < 1) {
    return ConfigurationError("--max-concurrent-reconciles must be at least 1");
  }
  if (options->webhook_port < 0 || options->webhook_port > kMaxPort) {
    return ConfigurationError("--webhook-port must be between 0 and " + std::to_string(kMaxPort));
  }
  return OkStatus();
}

Result<std::string> LeaderElectionNamespace(const Options& options,
                                            std::string_view service_account_namespace_file) {
  if (!options.leader_election_namespace.empty()) return options.leader_election_namespace;
  const std::string path(service_account_namespace_file);
  std::ifstream in(path);
  std::ostringstream content;
  if (in) content << in.rdbuf();
  const std::string text = content.str();
  const std::string_view name = Trim(text);
  if (name.empty()) {
    return ConfigurationError("leader election needs a namespace: not running in a cluster (" +
                              path + " is missing or empty); set --leader-election-namespace");
  }
  return std::string(name);
}

}  // namespace awio::manager
