// The checks an EKSIRSA config's issuer goes through (config-controller spec §8.4 steps 5-6,
// §15.9, §16 item 21): the issuer URL reduced to the "host/path" that IAM names OIDC providers
// by, the canonical-form check of such a host/path, and the match between an external IAM OIDC
// provider ARN and the issuer. The messages are the original operator's, word for word, since
// users read them in conditions and tests match them; "%q" there is base::GoQuote here.
//
// URLs are read as Go's net/url reads them (control bytes refuse the URL, the host keeps its
// port, the path is compared in its escaped form), for the subset of the grammar an https issuer
// URL exercises. Pure functions; no I/O.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"

namespace awio::oidc {

// "<host>[:port]<escaped path>" of an https issuer URL, e.g.
// https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE ->
// oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE. kInvalid with one of: `parse issuer URL: parse
// "<url>": <cause>`, `issuer URL must use https scheme`, `issuer URL must include a host`, `issuer
// URL must not include user info`, `issuer URL must not include query or fragment`, or a
// CheckIssuerHostPath message for the result. A bare
// `?` or `#` with nothing after it is accepted (§16 item 21).
Result<std::string> NormalizeIssuerUrl(std::string_view url);

// OK when `host_path` is a canonical issuer host/path: non-empty, no scheme, no space, TAB, CR or
// LF, no `?` or `#`, no trailing `/`, and "https://" + host_path parses back to a host (without
// user info) and escaped path that spell `host_path` exactly. kInvalid with a message starting
// `issuer host/path` (or `parse issuer host/path: `) otherwise.
Status CheckIssuerHostPath(std::string_view host_path);

// The provider path of an IAM OIDC provider ARN
// (`arn:aws<partition suffix>:iam::<12 digits>:oidc-provider/<host/path>`), checked with
// CheckIssuerHostPath. kInvalid with `invalid IAM OIDC provider ARN "<arn>"` when the ARN does
// not have that shape, or `invalid IAM OIDC provider ARN "<arn>": <reason>` when the path is not
// a canonical host/path.
Result<std::string> OidcProviderArnHostPath(std::string_view arn);

// OK when `arn` is a valid IAM OIDC provider ARN whose path equals `issuer_host_path` exactly
// (case-sensitive). kInvalid with OidcProviderArnHostPath's messages, or
// `OIDC provider ARN path "<path>" does not match issuer "<issuer_host_path>"`.
Status CheckExternalProviderArn(std::string_view arn, std::string_view issuer_host_path);

}  // namespace awio::oidc
