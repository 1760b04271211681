// Implementation of the issuer URL and provider ARN checks (issuer_url.h). The URL reader below
// follows Go's net/url Parse for absolute URLs: the fragment is cut at the first '#', control
// bytes refuse the whole URL, the scheme is lower-cased, the query is cut at the first '?', an
// authority after "//" splits into user info (at the last '@') and a host that keeps its port,
// and the path is kept both decoded and as written, so that its escaped form can be rebuilt as
// Go's URL.EscapedPath does. IPv6 zones and Go's newer IP-literal validation are left out: an
// issuer is a DNS name.
#include "oidc/issuer_url.h"

#include <optional>

#include "base/strings.h"

namespace awio::oidc {
namespace {

constexpr std::string_view kHttpsScheme = "https";
constexpr std::string_view kHostPathPrefix = "https://";

// Go's net/url encoding modes, which decide what must be percent-escaped where.
enum class Mode { kPath, kHost, kUserPassword, kFragment };

bool IsAlnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsHex(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Characters with a meaning of their own, grouped as Go's shouldEscape treats them.
constexpr std::string_view kHostSubDelims = "!$&'()*+,;=:[]<>\"";  // left alone in a host
constexpr std::string_view kUnreservedMarks = "-_.~";              // never escaped
constexpr std::string_view kReserved = "$&+,/:;=?@";               // escaped per component
constexpr std::string_view kFragmentExtras = "!()*";               // left alone in a fragment
// What validEncoded accepts unescaped in a path besides what shouldEscape allows.
constexpr std::string_view kPathChars = "!$&'()*+,;=:@[]%";
// What validUserinfo accepts besides letters and digits.
constexpr std::string_view kUserinfoChars = "-._:~!$&'()*+,;=%@";

bool IsOneOf(unsigned char c, std::string_view set) {
  return set.find(static_cast<char>(c)) != std::string_view::npos;
}

// Go's shouldEscape for the modes used here.
bool ShouldEscape(unsigned char c, Mode mode) {
  if (IsAlnum(c)) return false;
  if (mode == Mode::kHost && IsOneOf(c, kHostSubDelims)) return false;
  if (IsOneOf(c, kUnreservedMarks)) return false;
  if (IsOneOf(c, kReserved)) {
    switch (mode) {
      case Mode::kPath:
        return c == '?';
      case Mode::kUserPassword:
        return c == '@' || c == '/' || c == '?' || c == ':';
      case Mode::kFragment:
        return false;
      case Mode::kHost:
        break;
    }
  }
  if (mode == Mode::kFragment && IsOneOf(c, kFragmentExtras)) return false;
  return true;
}

// Go's unescape: decodes %XX; the error text is Go's (EscapeError, InvalidHostError).
Result<std::string> Unescape(std::string_view text, Mode mode) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '%') {
      if (i + 2 >= text.size() || !IsHex(static_cast<unsigned char>(text[i + 1])) ||
          !IsHex(static_cast<unsigned char>(text[i + 2]))) {
        return MakeError(ErrorCode::kInvalid,
                         "invalid URL escape " + base::GoQuote(text.substr(i, 3)));
      }
      // In a host, %-escapes stand only for non-ASCII bytes, or %25 (RFC 6874 zones).
      if (mode == Mode::kHost && HexValue(static_cast<unsigned char>(text[i + 1])) < 8 &&
          text.substr(i, 3) != "%25") {
        return MakeError(ErrorCode::kInvalid,
                         "invalid URL escape " + base::GoQuote(text.substr(i, 3)));
      }
      out.push_back(static_cast<char>(HexValue(static_cast<unsigned char>(text[i + 1])) * 16 +
                                      HexValue(static_cast<unsigned char>(text[i + 2]))));
      i += 3;
      continue;
    }
    if (mode == Mode::kHost && c < 0x80 && ShouldEscape(c, mode)) {
      return MakeError(ErrorCode::kInvalid,
                       "invalid character " + base::GoQuote(text.substr(i, 1)) + " in host name");
    }
    out.push_back(static_cast<char>(c));
    ++i;
  }
  return out;
}

std::string Escape(std::string_view text, Mode mode) {
  static constexpr char kUpperHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const unsigned char c : text) {
    if (ShouldEscape(c, mode)) {
      out.push_back('%');
      out.push_back(kUpperHex[c >> 4]);
      out.push_back(kUpperHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// Go's validEncoded: `text` uses only characters a path may carry unescaped, or escapes.
bool ValidEncoded(std::string_view text, Mode mode) {
  for (const unsigned char c : text) {
    if (!IsOneOf(c, kPathChars) && ShouldEscape(c, mode)) return false;
  }
  return true;
}

// Go's validOptionalPort: empty, or ':' followed by digits only.
bool ValidOptionalPort(std::string_view port) {
  if (port.empty()) return true;
  if (port.front() != ':') return false;
  for (const unsigned char c : port.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Go's validUserinfo.
bool ValidUserinfo(std::string_view text) {
  for (const unsigned char c : text) {
    if (!IsAlnum(c) && !IsOneOf(c, kUserinfoChars)) return false;
  }
  return true;
}

// The parts of a URL these checks read.
struct ParsedUrl {
  std::string scheme;  // lower case
  bool has_user = false;
  std::string host;      // decoded, with ":port"
  std::string path;      // decoded
  std::string raw_path;  // as written, when that differs from Escape(path)
  std::string raw_query;
  std::string fragment;  // decoded
};

// Go's URL.EscapedPath.
std::string EscapedPath(const ParsedUrl& url) {
  if (!url.raw_path.empty() && ValidEncoded(url.raw_path, Mode::kPath)) {
    auto decoded = Unescape(url.raw_path, Mode::kPath);
    if (decoded.ok() && *decoded == url.path) return url.raw_path;
  }
  if (url.path == "*") return "*";
  return Escape(url.path, Mode::kPath);
}

Result<std::string> ParseHost(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    const auto close = host.rfind(']');
    if (close == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalid, "missing ']' in host");
    }
    const std::string_view colon_port = host.substr(close + 1);
    if (!ValidOptionalPort(colon_port)) {
      return MakeError(ErrorCode::kInvalid,
                       "invalid port " + base::GoQuote(colon_port) + " after host");
    }
  } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    const std::string_view colon_port = host.substr(colon);
    if (!ValidOptionalPort(colon_port)) {
      return MakeError(ErrorCode::kInvalid,
                       "invalid port " + base::GoQuote(colon_port) + " after host");
    }
  }
  return Unescape(host, Mode::kHost);
}

// Parses the part before '#' (Go's parse with viaRequest = false); the cause only.
Result<ParsedUrl> ParseWithoutFragment(std::string_view raw) {
  for (const unsigned char c : raw) {
    if (c < 0x20 || c == 0x7F) {
      return MakeError(ErrorCode::kInvalid, "net/url: invalid control character in URL");
    }
  }
  ParsedUrl url;
  if (raw == "*") {
    url.path = "*";
    return url;
  }

  // The scheme: letters, then letters, digits, '+', '-' or '.', up to the first ':'.
  std::string_view rest = raw;
  for (size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
      if (i == 0) break;
      continue;
    }
    if (c == ':') {
      if (i == 0) return MakeError(ErrorCode::kInvalid, "missing protocol scheme");
      for (const char s : raw.substr(0, i)) {
        url.scheme.push_back(static_cast<char>(s >= 'A' && s <= 'Z' ? s - 'A' + 'a' : s));
      }
      rest = raw.substr(i + 1);
    }
    break;
  }

  // A single trailing '?' only forces an empty query; otherwise the query starts at the first.
  const size_t question = rest.find('?');
  if (question != std::string_view::npos) {
    if (question != rest.size() - 1) url.raw_query = std::string(rest.substr(question + 1));
    rest = rest.substr(0, question);
  }

  if (rest.empty() || rest.front() != '/') {
    if (!url.scheme.empty()) return url;  // opaque: no host, no path
    const std::string_view segment = rest.substr(0, rest.find('/'));
    if (segment.find(':') != std::string_view::npos) {
      return MakeError(ErrorCode::kInvalid, "first path segment in URL cannot contain colon");
    }
  }

  const bool authority_follows = rest.substr(0, 2) == "//";
  if (authority_follows && (!url.scheme.empty() || rest.substr(0, 3) != "///")) {
    std::string_view authority = rest.substr(2);
    rest = {};
    if (const auto slash = authority.find('/'); slash != std::string_view::npos) {
      rest = authority.substr(slash);
      authority = authority.substr(0, slash);
    }
    const auto at = authority.rfind('@');
    auto host = ParseHost(at == std::string_view::npos ? authority : authority.substr(at + 1));
    if (!host.ok()) return host.error();
    url.host = std::move(*host);
    if (at != std::string_view::npos) {
      const std::string_view userinfo = authority.substr(0, at);
      if (!ValidUserinfo(userinfo)) {
        return MakeError(ErrorCode::kInvalid, "net/url: invalid userinfo");
      }
      const auto colon = userinfo.find(':');
      auto user = Unescape(userinfo.substr(0, colon), Mode::kUserPassword);
      if (!user.ok()) return user.error();
      if (colon != std::string_view::npos) {
        auto password = Unescape(userinfo.substr(colon + 1), Mode::kUserPassword);
        if (!password.ok()) return password.error();
      }
      url.has_user = true;
    }
  }

  auto path = Unescape(rest, Mode::kPath);
  if (!path.ok()) return path.error();
  url.path = std::move(*path);
  if (Escape(url.path, Mode::kPath) != rest) url.raw_path = std::string(rest);
  return url;
}

// Go's url.Parse. The error reads as Go's *url.Error: `parse "<url>": <cause>`, where <url>
// leaves out the fragment unless the fragment itself is what failed.
Result<ParsedUrl> ParseUrl(std::string_view raw) {
  const auto hash = raw.find('#');
  const std::string_view before = raw.substr(0, hash);
  auto url = ParseWithoutFragment(before);
  if (!url.ok()) {
    return MakeError(ErrorCode::kInvalid,
                     "parse " + base::GoQuote(before) + ": " + url.error().message);
  }
  if (hash != std::string_view::npos) {
    auto fragment = Unescape(raw.substr(hash + 1), Mode::kFragment);
    if (!fragment.ok()) {
      return MakeError(ErrorCode::kInvalid,
                       "parse " + base::GoQuote(raw) + ": " + fragment.error().message);
    }
    url->fragment = std::move(*fragment);
  }
  return url;
}

Error Invalid(std::string message) { return MakeError(ErrorCode::kInvalid, std::move(message)); }

// The provider path of an ARN matching ^arn:aws[a-z0-9-]*:iam::\d{12}:oidc-provider/(.+)$
// (Go regexp: '.' matches anything but a newline, '$' is the end of the text).
std::optional<std::string_view> MatchProviderArn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws";
  constexpr std::string_view kService = ":iam::";
  constexpr std::string_view kResource = ":oidc-provider/";
  // An AWS account id is exactly 12 decimal digits.
  constexpr size_t kAccountIdDigits = 12;

  if (arn.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  size_t i = kPrefix.size();
  while (i < arn.size() &&
         ((arn[i] >= 'a' && arn[i] <= 'z') || (arn[i] >= '0' && arn[i] <= '9') || arn[i] == '-')) {
    ++i;
  }
  if (arn.substr(i, kService.size()) != kService) return std::nullopt;
  i += kService.size();
  for (size_t end = i + kAccountIdDigits; i < end; ++i) {
    if (i >= arn.size() || arn[i] < '0' || arn[i] > '9') return std::nullopt;
  }
  if (arn.substr(i, kResource.size()) != kResource) return std::nullopt;
  const std::string_view path = arn.substr(i + kResource.size());
  if (path.empty() || path.find('\n') != std::string_view::npos) return std::nullopt;
  return path;
}

}  // namespace

Status CheckIssuerHostPath(std::string_view host_path) {
  if (host_path.empty()) return Invalid("issuer host/path must not be empty");
  if (host_path.find("://") != std::string_view::npos) {
    return Invalid("issuer host/path must not include a scheme");
  }
  if (host_path.find_first_of(" \t\r\n") != std::string_view::npos) {
    return Invalid("issuer host/path must not contain whitespace");
  }
  if (host_path.find_first_of("?#") != std::string_view::npos) {
    return Invalid("issuer host/path must not include query or fragment");
  }
  if (host_path.back() == '/') return Invalid("issuer host/path must not end with a slash");

  auto url = ParseUrl(std::string(kHostPathPrefix) + std::string(host_path));
  if (!url.ok()) return Invalid("parse issuer host/path: " + url.error().message);
  if (url->host.empty()) return Invalid("issuer host/path must include a host");
  if (url->has_user) return Invalid("issuer host/path must not include user info");
  if (url->host + EscapedPath(*url) != host_path) {
    return Invalid("issuer host/path must be canonical");
  }
  return OkStatus();
}

Result<std::string> NormalizeIssuerUrl(std::string_view issuer_url) {
  auto url = ParseUrl(issuer_url);
  if (!url.ok()) return Invalid("parse issuer URL: " + url.error().message);
  if (url->scheme != kHttpsScheme) return Invalid("issuer URL must use https scheme");
  if (url->host.empty()) return Invalid("issuer URL must include a host");
  if (url->has_user) return Invalid("issuer URL must not include user info");
  if (!url->raw_query.empty() || !url->fragment.empty()) {
    return Invalid("issuer URL must not include query or fragment");
  }
  std::string host_path = url->host + EscapedPath(*url);
  if (auto checked = CheckIssuerHostPath(host_path); !checked.ok()) return checked.error();
  return host_path;
}

Result<std::string> OidcProviderArnHostPath(std::string_view arn) {
  const auto path = MatchProviderArn(arn);
  if (!path) return Invalid("invalid IAM OIDC provider ARN " + base::GoQuote(arn));
  if (auto checked = CheckIssuerHostPath(*path); !checked.ok()) {
    return Invalid("invalid IAM OIDC provider ARN " + base::GoQuote(arn) + ": " +
                   checked.error().message);
  }
  return std::string(*path);
}

Status CheckExternalProviderArn(std::string_view arn, std::string_view issuer_host_path) {
  auto path = OidcProviderArnHostPath(arn);
  if (!path.ok()) return path.error();
  if (*path != issuer_host_path) {
    return Invalid("OIDC provider ARN path " + base::GoQuote(*path) + " does not match issuer " +
                   base::GoQuote(issuer_host_path));
  }
  return OkStatus();
}

}  // namespace awio::oidc
