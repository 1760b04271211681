// Implementation of the credential providers and the default chain (credentials.h).
#include "aws/credentials.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <system_error>
#include <utility>

#include "aws/aws_error.h"
#include "aws/endpoint.h"
#include "base/time.h"

namespace awio::aws {
namespace {

// Token files hold one JWT or one opaque token, a few kilobytes; the bound stops a wrong path
// from filling memory.
constexpr size_t kMaxTokenFileBytes = 1u << 20;
// Where AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is resolved (the ECS agent).
constexpr std::string_view kEcsAgentBase = "http://169.254.170.2";

std::string TrimSpace(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// The whole file, trimmed. Errors (kConfiguration) read "<role> <path>: <reason>".
Result<std::string> ReadTokenFile(const std::string& path, std::string_view role) {
  const auto fail = [&](const std::string& reason) -> Result<std::string> {
    return MakeError(ErrorCode::kConfiguration, std::string(role) + " " + path + ": " + reason);
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(std::generic_category().message(errno));
  std::string content;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      return fail(std::generic_category().message(saved));
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
    if (content.size() > kMaxTokenFileBytes) {
      ::close(fd);
      return fail("file is larger than " + std::to_string(kMaxTokenFileBytes) + " bytes");
    }
  }
  ::close(fd);
  std::string token = TrimSpace(content);
  if (token.empty()) return fail("file is empty");
  return token;
}

// Environment lookup where an empty value counts as unset, as AWS SDKs treat it.
std::optional<std::string> Lookup(const EnvLookup& env, const std::string& name) {
  std::optional<std::string> value;
  if (env) {
    value = env(name);
  } else if (const char* raw = std::getenv(name.c_str()); raw != nullptr) {
    value = raw;
  }
  if (value && value->empty()) return std::nullopt;
  return value;
}

std::optional<std::string> LookupFirst(const EnvLookup& env,
                                       std::initializer_list<std::string> names) {
  for (const auto& name : names) {
    if (auto value = Lookup(env, name)) return value;
  }
  return std::nullopt;
}

Error Prefixed(const Error& error, const std::string& prefix) {
  Error out = error;
  out.message = prefix + ": " + error.message;
  return out;
}

bool IsLoopbackOrAgentHost(std::string_view host) {
  if (host == "localhost" || host == "[::1]" || host == "169.254.170.2" ||
      host == "169.254.170.23" || host == "[fd00:ec2::23]") {
    return true;
  }
  // 127.0.0.0/8
  if (host.substr(0, 4) != "127.") return false;
  int dots = 0;
  for (const char c : host) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

}  // namespace

// ---- cache ------------------------------------------------------------------------------------

CachingCredentialsProvider::CachingCredentialsProvider(std::shared_ptr<CredentialsProvider> inner,
                                                       WallClock clock,
                                                       std::chrono::seconds refresh_window)
    : inner_(std::move(inner)), clock_(std::move(clock)), refresh_window_(refresh_window) {}

Result<Credentials> CachingCredentialsProvider::Retrieve() {
  std::lock_guard lock(mutex_);
  const auto now = NowFrom(clock_);
  if (cached_ && (!cached_->expiration || now < *cached_->expiration - refresh_window_)) {
    return *cached_;
  }
  auto fresh = inner_->Retrieve();
  if (fresh.ok()) {
    cached_ = *fresh;
    return fresh;
  }
  if (cached_ && cached_->expiration && now < *cached_->expiration) return *cached_;
  return fresh;
}

// ---- static and environment ---------------------------------------------------------------------

StaticCredentialsProvider::StaticCredentialsProvider(Credentials credentials)
    : credentials_(std::move(credentials)) {}

Result<Credentials> StaticCredentialsProvider::Retrieve() { return credentials_; }

EnvironmentCredentialsProvider::EnvironmentCredentialsProvider(EnvLookup env)
    : env_(std::move(env)) {}

Result<Credentials> EnvironmentCredentialsProvider::Retrieve() {
  // AWS_ACCESS_KEY and AWS_SECRET_KEY are the older spellings AWS SDKs still accept.
  auto id = LookupFirst(env_, {"AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"});
  auto secret = LookupFirst(env_, {"AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"});
  if (!id || !secret) {
    return MakeError(ErrorCode::kConfiguration, std::string("environment credentials: ") +
                                                    (!id ? "AWS_ACCESS_KEY_ID is not set"
                                                         : "AWS_SECRET_ACCESS_KEY is not set"));
  }
  Credentials credentials;
  credentials.access_key_id = std::move(*id);
  credentials.secret_access_key = SecretString(std::move(*secret));
  credentials.session_token = SecretString(Lookup(env_, "AWS_SESSION_TOKEN").value_or(""));
  credentials.source = "environment";
  return credentials;
}

// ---- web identity -------------------------------------------------------------------------------

WebIdentityCredentialsProvider::WebIdentityCredentialsProvider(WebIdentityOptions options)
    : options_(std::move(options)) {}

Result<Credentials> WebIdentityCredentialsProvider::Retrieve() {
  const std::string context = "web identity credentials for role " + options_.role_arn;
  auto token = ReadTokenFile(options_.token_file, "web identity token file");
  if (!token.ok()) return Prefixed(token.error(), context);

  auto client = StsClient::Create(options_.sts);
  if (!client.ok()) return Prefixed(client.error(), context);

  std::string session_name = options_.session_name;
  if (session_name.empty()) {
    // Unique per call and within STS's 2-64 characters of [\w+=,.@-].
    session_name = "awio-" + std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                NowFrom(options_.clock).time_since_epoch())
                                                .count());
  }
  auto output = client->AssumeRoleWithWebIdentity({.role_arn = options_.role_arn,
                                                   .role_session_name = session_name,
                                                   .web_identity_token = SecretString(*token)});
  if (!output.ok()) return Prefixed(output.error(), context);
  return output->credentials;
}

// ---- container endpoint -------------------------------------------------------------------------

Status ValidateContainerCredentialsUrl(std::string_view url, std::string_view variable) {
  auto parts = ParseHttpUrl(url);
  if (!parts.ok()) {
    return MakeError(ErrorCode::kConfiguration,
                     std::string(variable) + ": " + parts.error().message);
  }
  if (parts->scheme == "http" && !IsLoopbackOrAgentHost(parts->host)) {
    return MakeError(ErrorCode::kConfiguration,
                     std::string(variable) +
                         ": plain http is only allowed to a loopback address or the ECS/EKS "
                         "agent addresses, not " +
                         parts->host);
  }
  return OkStatus();
}

ContainerCredentialsProvider::ContainerCredentialsProvider(ContainerCredentialsOptions options)
    : options_(std::move(options)) {}

Result<Credentials> ContainerCredentialsProvider::Retrieve() {
  auto parts = ParseHttpUrl(options_.url);
  if (!parts.ok()) {
    return MakeError(ErrorCode::kConfiguration,
                     "container credentials endpoint: " + parts.error().message);
  }
  const std::string context =
      "container credentials endpoint " + parts->scheme + "://" + parts->Authority();
  if (auto valid = ValidateContainerCredentialsUrl(options_.url, "container credentials URL");
      !valid.ok()) {
    return Prefixed(valid.error(), context);
  }

  HttpRequest request;
  request.url = options_.url;
  request.headers.push_back({"Accept", "application/json"});
  request.timeout = options_.timeout;
  request.connect_timeout = std::min(options_.timeout, kDefaultConnectTimeout);
  request.ca_file = options_.ca_file;
  request.allow_plain_http = true;  // restricted to loopback and agent addresses above
  if (!options_.token_file.empty()) {
    auto token = ReadTokenFile(options_.token_file, "container authorization token file");
    if (!token.ok()) return Prefixed(token.error(), context);
    request.headers.push_back({"Authorization", *token});
  } else if (!options_.token.empty()) {
    request.headers.push_back({"Authorization", options_.token.reveal()});
  }

  auto response = SendWithRetries(TransportOrDefault(options_.transport), request, options_.retry,
                                  IsRetryableOutcome);
  if (!response.ok()) {
    Error error = response.error();
    // The transport names the endpoint already; keep the message free of the token.
    error.message = "container credentials: " + error.message;
    return error;
  }
  if (response->status < 200 || response->status >= 300) {
    return MakeAwsError(context, DecodeAwsError(*response), &*response);
  }

  const auto document = nlohmann::json::parse(response->body, nullptr, false);
  const auto text = [&](const char* key) -> std::string {
    if (!document.is_object()) return {};
    auto it = document.find(key);
    return it != document.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (!document.is_object()) {
    return MakeError(ErrorCode::kInternal, context + ": response is not a JSON object");
  }
  Credentials credentials;
  credentials.access_key_id = text("AccessKeyId");
  credentials.secret_access_key = SecretString(text("SecretAccessKey"));
  credentials.session_token = SecretString(text("Token"));
  credentials.source = "container endpoint";
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return MakeError(ErrorCode::kInternal,
                     context + ": response lacks AccessKeyId or SecretAccessKey");
  }
  if (const std::string expiration = text("Expiration"); !expiration.empty()) {
    credentials.expiration = base::ParseRfc3339(expiration);
    if (!credentials.expiration) {
      return MakeError(ErrorCode::kInternal, context + ": Expiration is not an RFC 3339 time");
    }
  }
  return credentials;
}

// ---- default chain ------------------------------------------------------------------------------

Result<std::shared_ptr<CredentialsProvider>> DefaultCredentialChain(
    CredentialChainOptions options) {
  const EnvLookup& env = options.env;
  const auto cached = [&](std::shared_ptr<CredentialsProvider> inner)
      -> Result<std::shared_ptr<CredentialsProvider>> {
    return std::shared_ptr<CredentialsProvider>(std::make_shared<CachingCredentialsProvider>(
        std::move(inner), options.clock, options.refresh_window));
  };
  const auto misconfigured =
      [](const std::string& message) -> Result<std::shared_ptr<CredentialsProvider>> {
    return MakeError(ErrorCode::kConfiguration, message);
  };

  // 1. Static keys in the environment.
  if (LookupFirst(env, {"AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"}) ||
      LookupFirst(env, {"AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"})) {
    auto provider = std::make_shared<EnvironmentCredentialsProvider>(env);
    if (auto probe = provider->Retrieve(); !probe.ok()) return probe.error();
    return cached(std::move(provider));
  }

  // 2. IRSA: a projected service-account token exchanged at STS.
  const auto role_arn = Lookup(env, "AWS_ROLE_ARN");
  const auto token_file = Lookup(env, "AWS_WEB_IDENTITY_TOKEN_FILE");
  if (role_arn || token_file) {
    if (!role_arn || !token_file) {
      return misconfigured(std::string("web identity credentials: ") +
                           (!role_arn ? "AWS_ROLE_ARN" : "AWS_WEB_IDENTITY_TOKEN_FILE") +
                           " is not set");
    }
    WebIdentityOptions web{.role_arn = *role_arn,
                           .token_file = *token_file,
                           .session_name = Lookup(env, "AWS_ROLE_SESSION_NAME").value_or(""),
                           .clock = options.clock};
    web.sts.region = !options.region.empty()
                         ? options.region
                         : LookupFirst(env, {"AWS_REGION", "AWS_DEFAULT_REGION"}).value_or("");
    if (web.sts.region.empty()) {
      return misconfigured(
          "web identity credentials: no AWS region for STS (set AWS_REGION or pass a region)");
    }
    web.sts.endpoint_override =
        !options.sts_endpoint.empty()
            ? options.sts_endpoint
            : LookupFirst(env, {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"}).value_or("");
    if (!web.sts.endpoint_override.empty()) {
      auto parts = ParseHttpUrl(web.sts.endpoint_override);
      if (!parts.ok()) {
        return misconfigured("web identity credentials: STS endpoint: " + parts.error().message);
      }
      if (parts->scheme == "http" && !options.allow_plain_http) {
        return misconfigured("web identity credentials: STS endpoint " + parts->host +
                             " uses plain http, which is not allowed");
      }
    }
    web.sts.allow_plain_http = options.allow_plain_http;
    web.sts.ca_file = options.ca_file;
    web.sts.transport = options.transport;
    web.sts.retry = options.retry;
    if (auto client = StsClient::Create(web.sts); !client.ok()) {
      return Prefixed(client.error(), "web identity credentials");
    }
    return cached(std::make_shared<WebIdentityCredentialsProvider>(std::move(web)));
  }

  // 3. A container credentials endpoint (EKS Pod Identity agent, ECS agent).
  std::string url;
  std::string variable;
  if (auto relative = Lookup(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    url = std::string(kEcsAgentBase) + *relative;
    variable = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
  } else if (auto full = Lookup(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    url = *full;
    variable = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
  }
  if (!url.empty()) {
    if (auto valid = ValidateContainerCredentialsUrl(url, variable); !valid.ok()) {
      return valid.error();
    }
    ContainerCredentialsOptions container{
        .url = url,
        .token_file = Lookup(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").value_or(""),
        .token = SecretString(Lookup(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN").value_or("")),
        .ca_file = options.ca_file,
        .transport = options.transport,
        .retry = options.retry};
    return cached(std::make_shared<ContainerCredentialsProvider>(std::move(container)));
  }

  return misconfigured(
      "no AWS credentials configured: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
      "AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, or AWS_CONTAINER_CREDENTIALS_FULL_URI");
}

}  // namespace awio::aws
