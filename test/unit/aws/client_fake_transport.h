// A scripted HttpTransport for the AWS client unit tests: records every request it is given and
// answers from a queue (the last answer repeats), so that request building and response handling
// can be checked without a server. Thread-safe.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "aws/http.h"

namespace awio::aws::test {

class FakeTransport {
 public:
  void Push(Result<HttpResponse> answer) {
    std::lock_guard lock(mutex_);
    answers_.push_back(std::move(answer));
  }
  void PushResponse(long status, std::string body, std::vector<HttpHeader> headers = {}) {
    Push(HttpResponse{.status = status, .headers = std::move(headers), .body = std::move(body)});
  }

  // The transport to hand to a client; it refers to this object, which must outlive it.
  HttpTransport transport() {
    return [this](const HttpRequest& request) -> Result<HttpResponse> {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      if (answers_.empty()) return MakeError(ErrorCode::kInternal, "fake transport: no answer");
      Result<HttpResponse> answer = answers_.front();
      if (answers_.size() > 1) answers_.pop_front();
      return answer;
    };
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  mutable std::mutex mutex_;
  std::deque<Result<HttpResponse>> answers_;
  std::vector<HttpRequest> requests_;
};

// The value of the first header named `name` (exact case-insensitive match), or "<absent>".
inline std::string HeaderOf(const HttpRequest& request, std::string_view name) {
  for (const auto& header : request.headers) {
    if (header.name.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < name.size(); ++i) {
      same = same && std::tolower(static_cast<unsigned char>(header.name[i])) ==
                         std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (same) return header.value;
  }
  return "<absent>";
}

// A retry policy that never waits.
inline RetryPolicy NoWaitRetries() {
  return RetryPolicy{.sleep = [](std::chrono::milliseconds) {}};
}

}  // namespace awio::aws::test
