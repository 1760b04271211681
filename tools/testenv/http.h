// A minimal blocking HTTP client over libcurl for test tooling: readiness probes, smoke-test
// requests to API servers with client certificates, and SigV4-signed requests to the AWS
// emulator (libcurl's own signer). The product's Kubernetes client lives in src/kube/; this
// file exists so the launcher does not depend on the code it helps test.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace awio::testenv {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
  std::string ca_file;               // verify the server against this CA; empty: no TLS peer check
  std::string client_cert_file;
  std::string client_key_file;
  // The same three as PEM text in memory (a kubeconfig's *-data fields); each wins over its file.
  std::string ca_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string bearer_token;
  // SigV4 signing by libcurl: "aws:amz:<region>:<service>", with these credentials.
  std::string aws_sigv4;
  std::string aws_access_key_id;
  std::string aws_secret_access_key;
  std::chrono::milliseconds timeout{15000};
};

struct HttpResponse {
  long status = 0;  // 0 when the exchange failed before a response
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string error;                           // transport error, empty on a response
};

HttpResponse Send(const HttpRequest& request);

}  // namespace awio::testenv
