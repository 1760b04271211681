// Policy document canonicalization: compaction, emptiness and the IAM size limit.
#include "aws/policy_document.h"

#include "aws/go_json.h"

namespace awio::aws {
namespace {

Error Invalid(std::string message) { return MakeError(ErrorCode::kInvalid, std::move(message)); }

Error Empty() { return Invalid("policy document is empty"); }

// Removes JSON's insignificant white space (space, tab, line feed, carriage return) outside
// strings. `json` must be valid JSON; escapes inside strings are copied unchanged.
std::string Compact(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  bool in_string = false;
  bool escaped = false;
  for (char c : json) {
    if (in_string) {
      out += c;
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '"') in_string = true;
    out += c;
  }
  return out;
}

Result<std::string> CheckSize(std::string compact) {
  if (CountCodePoints(compact) > kMaxPolicyDocumentCharacters) {
    return Invalid("policy document exceeds AWS IAM customer-managed policy size limit of " +
                   std::to_string(kMaxPolicyDocumentCharacters) + " characters");
  }
  return compact;
}

Error NotAnObject(const nlohmann::json& value) {
  return Invalid(std::string("parse policy document: cannot use a JSON ") + value.type_name() +
                 " as a policy document object");
}

}  // namespace

std::size_t CountCodePoints(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

Result<std::string> CanonicalizePolicyDocument(std::string_view raw_json) {
  if (raw_json.empty()) return Empty();
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(raw_json);
  } catch (const nlohmann::json::exception& e) {
    return Invalid(std::string("parse policy document: ") + e.what());
  }
  if (parsed.is_null()) return Empty();
  if (!parsed.is_object()) return NotAnObject(parsed);
  if (parsed.empty()) return Empty();
  return CheckSize(Compact(raw_json));
}

Result<std::string> CanonicalizeParsedPolicyDocument(const nlohmann::json& document) {
  if (document.is_null()) return Empty();
  if (!document.is_object()) return NotAnObject(document);
  if (document.empty()) return Empty();
  return CheckSize(GoCompactJson(document));
}

}  // namespace awio::aws
