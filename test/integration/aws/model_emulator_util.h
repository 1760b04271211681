// Helpers of the aws model integration tests: form-encoded IAM query calls and S3 calls to the
// AWS emulator, and reading their XML answers.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "environment.h"

namespace awio::test {

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string UrlEncode(const std::string& text);
// Reverses %XX escapes (IAM returns policy documents URL-encoded).
std::string UrlDecode(const std::string& text);

// A form-encoded IAM query API call (Version 2010-05-08) with `params` in order.
testenv::HttpResponse IamCall(const testenv::AwsEmulator& aws,
                              const std::vector<std::pair<std::string, std::string>>& params);

// The text of the first element matched by `xpath` in `xml`, or "" when absent.
std::string XmlText(const std::string& xml, const std::string& xpath);
// The texts of all elements matched by `xpath`.
std::vector<std::string> XmlTexts(const std::string& xml, const std::string& xpath);

}  // namespace awio::test
