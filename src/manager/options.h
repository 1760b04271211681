// The manager's command line (inventory-and-remote-irsa spec §7.1-§7.3, packaging-observability
// §5.1-§5.3, §8.1-§8.4): every flag with the original's name and default plus four of ours
// (--webhook-cert-dir, --webhook-port, --leader-election-namespace, --log-format), parsed with
// Go's flag syntax, and the start-up validation with the original's messages. It owns parsing and
// checking only: it opens no listener, reads no file and configures no logger.
//
// Go flag syntax, which users and the Helm chart write: `-x` and `--x` are the same flag; a
// string or int flag takes `--x=v` or `--x v`; a bool flag takes `--x` or `--x=<bool>` (never the
// next argument); a lone `--` ends the flags. CLI11 cannot parse single-dash long names, so the
// parser is ours.
//
// Exit codes (§7.4): usage errors exit 2, validation errors exit 1, -h/--help exits 0.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/log.h"

namespace awio::manager {

// Defaults of §7.1, and ours.
inline constexpr std::string_view kDefaultMetricsBindAddress = "0";  // metrics off
// What an explicitly empty --metrics-bind-address means (controller-runtime's default).
inline constexpr std::string_view kMetricsBindAddressWhenEmpty = ":8080";
inline constexpr std::string_view kDefaultHealthProbeBindAddress = ":8081";
inline constexpr std::string_view kDefaultClusterProfileProviderFile =
    "clusterprofile-provider-file.json";
inline constexpr std::string_view kDefaultPodIdentityWebhookImage =
    "public.ecr.aws/eks/amazon-eks-pod-identity-webhook:v0.6.15";
inline constexpr std::string_view kDefaultLogLevel = "info";
inline constexpr std::string_view kDefaultLogFormat = "json";
inline constexpr int kDefaultMaxConcurrentReconciles = 4;
// The webhook's container port (§7.6); the webhook Service forwards 443 to it.
inline constexpr int kDefaultWebhookPort = 9443;
// The serving certificate's directory under the temporary directory (§7.6).
inline constexpr std::string_view kWebhookCertSubdirectory = "k8s-webhook-server/serving-certs";
// The highest TCP port number.
inline constexpr int kMaxPort = 65535;

// Exit codes of ParseCommandLine and of validation failures (§7.4).
inline constexpr int kExitOk = 0;
inline constexpr int kExitValidation = 1;
inline constexpr int kExitUsage = 2;
// ParseCommandLine's answer when the program should go on.
inline constexpr int kContinue = -1;

// Where log records go (--log-exporter, §8.1). Without an OTLP exporter in this build, kOtlp and
// kConsole both write records to stderr in --log-format; kNone discards them.
enum class LogExporter { kOtlp, kConsole, kNone };

// A listener address: host ("0.0.0.0" for all interfaces) and port (0: the kernel picks).
using ListenAddress = std::pair<std::string, int>;

// Reads an environment variable; nullopt when unset. Injected so that tests control it.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (getenv).
EnvLookup ProcessEnvironment();

struct Options {
  // --- Flags, as given (§7.1 names in snake case). ---
  std::string metrics_bind_address{kDefaultMetricsBindAddress};
  std::string health_probe_bind_address{kDefaultHealthProbeBindAddress};
  bool leader_elect = false;
  std::string clusterprofile_provider_file{kDefaultClusterProfileProviderFile};
  std::string cluster_profile_namespaces;  // required
  std::string pod_identity_webhook_image{kDefaultPodIdentityWebhookImage};
  std::string aws_endpoint_url;
  bool allow_unsafe_aws_endpoint_urls = false;
  std::string log_level{kDefaultLogLevel};
  bool log_add_source = false;
  std::string log_exporter;  // empty: $OTEL_LOGS_EXPORTER, else otlp
  std::string log_resource_attributes;
  int max_concurrent_reconciles = kDefaultMaxConcurrentReconciles;
  std::string kubeconfig;
  // Ours: "<TMPDIR or /tmp>/k8s-webhook-server/serving-certs" (ParseCommandLine fills it).
  std::string webhook_cert_dir;
  int webhook_port = kDefaultWebhookPort;  // 0: the kernel picks (tests)
  // Ours: the Lease's namespace; empty: the service-account namespace file. The original has no
  // such flag and so cannot run out of a cluster with --leader-elect.
  std::string leader_election_namespace;
  std::string log_format{kDefaultLogFormat};  // ours: json or text

  // --- Set by Validate. ---
  // `*`: ClusterProfiles of every namespace; otherwise the list below.
  bool all_cluster_profile_namespaces = false;
  // Trimmed, duplicates dropped, first occurrence order.
  std::vector<std::string> cluster_profile_namespace_list;
  std::optional<ListenAddress> metrics_listen;       // nullopt: no metrics listener
  std::optional<ListenAddress> health_probe_listen;  // nullopt: no probe listener
  log::Level log_level_value = log::Level::kInfo;    // trace maps to kDebug
  log::Format log_format_value = log::Format::kJson;
  LogExporter log_exporter_value = LogExporter::kOtlp;
  // --log-resource-attributes as key/value pairs, in order, values unescaped.
  std::vector<std::pair<std::string, std::string>> resource_attributes;
};

// "<$TMPDIR, or /tmp when unset or empty>/k8s-webhook-server/serving-certs", as Go's
// os.TempDir() places it.
std::string DefaultWebhookCertDir(const EnvLookup& env);

// The usage text: what the program does, then one line per flag with its type, meaning and
// default.
std::string Usage(std::string_view program);

// Parses argv (argv[0] is the program) into *out, which is first reset to the defaults.
// Returns kContinue to go on, or the code to exit with: kExitOk after printing the usage to
// `out_stream` for -h/--help; kExitUsage after printing the error and the usage to `err_stream`
// for an unknown flag, a bad value, a missing value or a positional argument.
int ParseCommandLine(int argc, char** argv, Options* out, std::ostream& out_stream,
                     std::ostream& err_stream);
// As above for arguments without the program name, with the environment injected.
int ParseCommandLine(std::string_view program, std::span<const std::string> args,
                     const EnvLookup& env, Options* out, std::ostream& out_stream,
                     std::ostream& err_stream);

// Checks the parsed flags as the original does before configuring logging (§7.2) and fills the
// "set by Validate" fields. kConfiguration with the message to print before exiting
// kExitValidation, in this order:
//   --cluster-profile-namespaces (ParseClusterProfileNamespaces), --aws-endpoint-url
//   (aws::ValidateAwsEndpointUrl), `invalid --log-resource-attributes: <why>`,
//   `unable to configure logger: unsupported log level|log exporter|log format "<x>"`,
//   `invalid --metrics-bind-address "<x>": <why>`, `invalid --health-probe-bind-address ...`,
//   `--max-concurrent-reconciles must be at least 1`,
//   `--webhook-port must be between 0 and 65535`.
Status Validate(Options* options);
Status Validate(Options* options, const EnvLookup& env);

// The namespaces of --cluster-profile-namespaces (§7.2): entries split on ',' and trimmed;
// duplicates dropped keeping the first; "*" alone means all namespaces (an empty list with
// *all set). Messages: `--cluster-profile-namespaces is required` (blank value),
// `--cluster-profile-namespaces must not contain empty entries`,
// `--cluster-profile-namespaces entry "<x>" must be a valid namespace name: <reasons>`,
// `--cluster-profile-namespaces must be either "*" or explicit namespaces, not both`.
Result<std::vector<std::string>> ParseClusterProfileNamespaces(std::string_view value, bool* all);

// The reasons `name` is not an RFC 1123 label (lower-case alphanumerics and '-', starting and
// ending alphanumeric, at most 63 characters), in Kubernetes' words; empty when it is one.
std::vector<std::string> Rfc1123LabelErrors(std::string_view name);

// --log-resource-attributes (§8.3): comma-separated `key=value` items, each trimmed; blank items
// skipped; keys and values trimmed; values path-unescaped (%XX). kInvalid, without the flag's
// prefix, for an item without '=', an empty key or a bad escape.
Result<std::vector<std::pair<std::string, std::string>>> ParseResourceAttributes(
    std::string_view value);

// "host:port", ":port" (all interfaces: host "0.0.0.0") or "[v6]:port" (host without the
// brackets), port 0-65535 in decimal. nullopt when malformed. The disabling values ("0", and
// "" for the probe listener) are Validate's business, not this function's.
std::optional<ListenAddress> ParseBindAddress(std::string_view address);

// The namespace of the leader-election Lease: --leader-election-namespace when set, else the
// content of `service_account_namespace_file` (trimmed). kConfiguration when neither gives one.
inline constexpr std::string_view kServiceAccountNamespaceFile =
    "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
Result<std::string> LeaderElectionNamespace(
    const Options& options,
    std::string_view service_account_namespace_file = kServiceAccountNamespaceFile);

}  // namespace awio::manager
