// Implementation of the AdmissionReview codec.
#include "admission/review.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <utility>

namespace awio::admission {
namespace {

constexpr std::string_view kJsonMediaType = "application/json";

Error BadRequest(std::string message) {
  return MakeError(ErrorCode::kBadRequest, std::move(message));
}

// Reads request[key] as a string: absent or null gives "", any other type is an error.
Status ReadString(const Json& request, std::string_view key, std::string* out) {
  auto it = request.find(key);
  if (it == request.end() || it->is_null()) return OkStatus();
  if (!it->is_string()) {
    return BadRequest("request." + std::string(key) + " must be a string, not " +
                      std::string(it->type_name()));
  }
  *out = it->get<std::string>();
  return OkStatus();
}

// The media type of a Content-Type header value, without parameters, in lower case.
std::string MediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.front()))) {
    type.remove_prefix(1);
  }
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.back()))) {
    type.remove_suffix(1);
  }
  std::string lower(type);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

HttpAnswer Refuse(std::string message) {
  return {.status = 400, .body = EncodeReview("", Errored(400, std::move(message)))};
}

}  // namespace

AdmissionResponse Allow() { return {.allowed = true, .code = 200}; }

AdmissionResponse Deny(std::string message) {
  return {.allowed = false, .code = 403, .reason = "Forbidden", .message = std::move(message)};
}

AdmissionResponse Errored(int code, std::string message) {
  return {.allowed = false, .code = code, .message = std::move(message)};
}

AdmissionResponse DenyForLookupError(const Error& lookup_error, std::string message) {
  if (lookup_error.http_status == 0) return Deny(std::move(message));
  return {.allowed = false,
          .code = lookup_error.http_status,
          .reason = lookup_error.reason,
          .message = std::move(message)};
}

Result<AdmissionRequest> DecodeReview(std::string_view body) {
  Json review = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (review.is_discarded()) return BadRequest("the request body is not valid JSON");
  if (!review.is_object()) return BadRequest("the request body is not a JSON object");

  auto kind = review.find("kind");
  auto api_version = review.find("apiVersion");
  if (kind == review.end() || !kind->is_string() || *kind != kReviewKind) {
    return BadRequest("the request body is not an " + std::string(kReviewKind));
  }
  if (api_version == review.end() || !api_version->is_string() ||
      *api_version != kReviewAPIVersion) {
    return BadRequest("unsupported AdmissionReview apiVersion; expected " +
                      std::string(kReviewAPIVersion));
  }
  auto request = review.find("request");
  if (request == review.end() || !request->is_object()) {
    return BadRequest("the AdmissionReview has no request");
  }

  AdmissionRequest out;
  for (auto [key, field] :
       {std::pair{"uid", &out.uid}, std::pair{"operation", &out.operation},
        std::pair{"namespace", &out.namespace_name}, std::pair{"name", &out.name}}) {
    if (auto status = ReadString(*request, key, field); !status.ok()) return status.error();
  }
  if (auto it = request->find("object"); it != request->end()) out.object = *it;
  if (auto it = request->find("oldObject"); it != request->end()) out.old_object = *it;
  if (auto it = request->find("dryRun"); it != request->end() && !it->is_null()) {
    if (!it->is_boolean()) return BadRequest("request.dryRun must be a boolean");
    out.dry_run = it->get<bool>();
  }
  return out;
}

std::string EncodeReview(std::string_view uid, const AdmissionResponse& response) {
  Json status = {{"metadata", Json::object()}, {"code", response.code}};
  if (!response.reason.empty()) status["reason"] = response.reason;
  if (!response.message.empty()) status["message"] = response.message;
  Json review = {
      {"apiVersion", kReviewAPIVersion},
      {"kind", kReviewKind},
      {"response", {{"uid", uid}, {"allowed", response.allowed}, {"status", std::move(status)}}}};
  // Messages may quote text from an API server answer cut at a byte limit; replace rather than
  // throw on a broken UTF-8 sequence.
  return review.dump(-1, ' ', false, Json::error_handler_t::replace);
}

HttpAnswer ServeReview(
    std::string_view content_type, std::string_view body, const Handler& handler,
    const std::function<void(const AdmissionRequest*, const AdmissionResponse&)>& decision) {
  auto refuse = [&](std::string message) {
    HttpAnswer answer = Refuse(message);
    if (decision) decision(nullptr, Errored(400, std::move(message)));
    return answer;
  };
  if (std::string media = MediaType(content_type); media != kJsonMediaType) {
    return refuse("content type \"" + media + "\" is not " + std::string(kJsonMediaType));
  }
  if (body.empty()) return refuse("the request body is empty");
  auto request = DecodeReview(body);
  if (!request.ok()) return refuse(request.error().message);

  AdmissionResponse response;
  try {
    response = handler(*request);
  } catch (const std::exception& e) {
    // The validators do not throw; this keeps a defect from tearing down the connection
    // without an answer, which the API server would report less clearly.
    response = Errored(500, std::string("internal error while validating: ") + e.what());
  }
  if (decision) decision(&*request, response);
  return {.status = 200, .body = EncodeReview(request->uid, response)};
}

}  // namespace awio::admission
