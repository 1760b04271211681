// Unit tests of the AdmissionReview codec (src/admission/review.h): decoding, the shapes of the
// allow / deny / errored answers of spec/api.md §8.2, uid echo, and the HTTP-level handling of
// bodies that are not reviews.
#include "admission/review.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "admission/validators.h"
#include "unit/admission/fake_lookup.h"
#include "unit/admission/fixtures.h"

namespace awio::admission {
namespace {

Json Review(Json request) {
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"request", std::move(request)}};
}

Json ParseAnswer(const HttpAnswer& answer) {
  Json body = Json::parse(answer.body, nullptr, false);
  EXPECT_FALSE(body.is_discarded()) << answer.body;
  return body;
}

AdmissionResponse AllowAll(const AdmissionRequest&) { return Allow(); }

// Validates that the request fields the validators use are decoded, object and oldObject kept
// as they came.
TEST(DecodeReview, ReadsRequestFields) {
  Json config = testing::BaseConfig();
  auto request = DecodeReview(Review({{"uid", "705ab4f5-6393-11e8-b7cc-42010a800002"},
                                      {"operation", "DELETE"},
                                      {"namespace", "wlc-a"},
                                      {"name", "default"},
                                      {"object", nullptr},
                                      {"oldObject", config},
                                      {"dryRun", true}})
                                  .dump());

  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_EQ(request->operation, "DELETE");
  EXPECT_EQ(request->namespace_name, "wlc-a");
  EXPECT_EQ(request->name, "default");
  EXPECT_TRUE(request->object.is_null());
  EXPECT_EQ(request->old_object, config);
  EXPECT_TRUE(request->dry_run);
}

// Validates that bodies which are not an AdmissionReview v1 with a request are refused with
// kBadRequest and a message saying what is wrong.
TEST(DecodeReview, RejectsWhatIsNotAReview) {
  struct Case {
    std::string name, body, message_part;
  };
  const std::vector<Case> cases = {
      {"junk", "not json at all {", "not valid JSON"},
      {"array", "[1,2]", "not a JSON object"},
      {"wrong kind", R"({"apiVersion":"admission.k8s.io/v1","kind":"Pod","request":{}})",
       "AdmissionReview"},
      {"no kind", R"({"apiVersion":"admission.k8s.io/v1","request":{}})", "AdmissionReview"},
      {"v1beta1",
       R"({"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{}})",
       "apiVersion"},
      {"no request", R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"})",
       "no request"},
      {"uid not string",
       R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":5}})",
       "request.uid"},
      {"dryRun not bool",
       R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",)"
       R"("request":{"dryRun":"yes"}})",
       "request.dryRun"},
  };
  for (const auto& c : cases) {
    auto request = DecodeReview(c.body);
    ASSERT_FALSE(request.ok()) << c.name;
    EXPECT_EQ(request.error().code, ErrorCode::kBadRequest) << c.name;
    EXPECT_NE(request.error().message.find(c.message_part), std::string::npos)
        << c.name << ": " << request.error().message;
  }
}

// Validates that an allowed answer is an AdmissionReview v1 with the uid echoed, allowed true,
// status code 200, no message and no warnings (§8.2).
TEST(EncodeReview, Allow_HasCode200AndEchoesUid) {
  Json review = Json::parse(EncodeReview("uid-42", Allow()));

  EXPECT_EQ(review["apiVersion"], "admission.k8s.io/v1");
  EXPECT_EQ(review["kind"], "AdmissionReview");
  EXPECT_EQ(review["response"]["uid"], "uid-42");
  EXPECT_EQ(review["response"]["allowed"], true);
  EXPECT_EQ(review["response"]["status"]["code"], 200);
  EXPECT_FALSE(review["response"]["status"].contains("message"));
  EXPECT_FALSE(review["response"].contains("warnings"));
}

// Validates that a denial carries allowed false, 403, reason Forbidden and the message (§8.2).
TEST(EncodeReview, Deny_Has403ForbiddenAndMessage) {
  Json review = Json::parse(EncodeReview("uid-1", Deny("spec.x: not allowed")));

  EXPECT_EQ(review["response"]["allowed"], false);
  EXPECT_EQ(review["response"]["status"]["code"], 403);
  EXPECT_EQ(review["response"]["status"]["reason"], "Forbidden");
  EXPECT_EQ(review["response"]["status"]["message"], "spec.x: not allowed");
}

// Validates that a lookup failure the API server answered keeps its code and reason, and one
// it did not answer (transport) becomes a 403 denial (§8.2).
TEST(DenyForLookupError, PassesOnApiStatusOnly) {
  Error answered = MakeError(ErrorCode::kForbidden, "list: HTTP 403: forbidden");
  answered.http_status = 403;
  answered.reason = "Forbidden";
  Error throttled = MakeError(ErrorCode::kThrottled, "list: HTTP 429");
  throttled.http_status = 429;
  throttled.reason = "TooManyRequests";
  Error transport = MakeError(ErrorCode::kUnavailable, "connection refused");

  auto a = DenyForLookupError(answered, "m1");
  auto b = DenyForLookupError(throttled, "m2");
  auto c = DenyForLookupError(transport, "m3");

  EXPECT_EQ(a.code, 403);
  EXPECT_EQ(a.reason, "Forbidden");
  EXPECT_EQ(b.code, 429);
  EXPECT_EQ(b.reason, "TooManyRequests");
  EXPECT_EQ(b.message, "m2");
  EXPECT_EQ(c.code, 403);
  EXPECT_EQ(c.reason, "Forbidden");
  for (const auto& r : {a, b, c}) EXPECT_FALSE(r.allowed);
}

// Validates that junk, an empty body or a wrong content type get HTTP 400 with an errored review
// (allowed false, code 400, empty uid) and never reach the handler (§8.2).
TEST(ServeReview, UndecodableRequests_Get400) {
  struct Case {
    std::string name, content_type, body;
  };
  const std::vector<Case> cases = {
      {"junk", "application/json", "{{{"},
      {"empty", "application/json", ""},
      {"yaml", "application/yaml", Review({{"uid", "u"}}).dump()},
      {"no content type", "", Review({{"uid", "u"}}).dump()},
  };
  for (const auto& c : cases) {
    bool called = false;
    bool reported = false;
    auto answer = ServeReview(
        c.content_type, c.body,
        [&](const AdmissionRequest&) {
          called = true;
          return Allow();
        },
        [&](const AdmissionRequest* request, const AdmissionResponse& response) {
          reported = request == nullptr && response.code == 400;
        });

    EXPECT_EQ(answer.status, 400) << c.name;
    EXPECT_FALSE(called) << c.name;
    EXPECT_TRUE(reported) << c.name;
    Json review = ParseAnswer(answer);
    EXPECT_EQ(review["kind"], "AdmissionReview") << c.name;
    EXPECT_EQ(review["response"]["allowed"], false) << c.name;
    EXPECT_EQ(review["response"]["status"]["code"], 400) << c.name;
    EXPECT_EQ(review["response"]["uid"], "") << c.name;
    EXPECT_FALSE(review["response"]["status"].value("message", "").empty()) << c.name;
  }
}

// Validates that content type parameters and case do not matter ("application/json; charset").
TEST(ServeReview, ContentTypeWithParameters_IsAccepted) {
  auto answer = ServeReview("Application/JSON; charset=utf-8",
                            Review({{"uid", "u-7"}, {"operation", "CREATE"}}).dump(), AllowAll);

  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(ParseAnswer(answer)["response"]["allowed"], true);
}

// Validates that the uid of every decoded review is echoed, whatever the decision.
TEST(ServeReview, EchoesUid) {
  for (const auto& uid : {"a", "0b9e7d7c-1f4e-4a55-9a53-3f0e4f1b2c3d"}) {
    auto answer = ServeReview("application/json", Review({{"uid", uid}}).dump(),
                              [](const AdmissionRequest&) { return Deny("no"); });
    EXPECT_EQ(answer.status, 200);
    EXPECT_EQ(ParseAnswer(answer)["response"]["uid"], uid);
  }
}

// Validates that a DELETE review is judged on oldObject: the Config webhook sees the
// force-delete annotation of the old object, not the (absent) new one (§8.2, TV-081).
TEST(ServeReview, ConfigDelete_UsesOldObject) {
  auto lookup = std::make_shared<testing::FakeLookup>();
  lookup->AddRole(testing::RoleObject("app", "app"));
  Handler config_webhook = Webhooks(lookup)[0].handler;
  Json forced =
      testing::Annotated(testing::BaseConfig(), api::v1alpha1::annotation::kForceDelete, "true");

  auto allowed = ServeReview(
      "application/json",
      Review({{"uid", "d-1"}, {"operation", "DELETE"}, {"object", nullptr}, {"oldObject", forced}})
          .dump(),
      config_webhook);
  auto denied = ServeReview("application/json",
                            Review({{"uid", "d-2"},
                                    {"operation", "DELETE"},
                                    {"object", forced},
                                    {"oldObject", testing::BaseConfig()}})
                                .dump(),
                            config_webhook);

  EXPECT_EQ(ParseAnswer(allowed)["response"]["allowed"], true);
  Json denial = ParseAnswer(denied);
  EXPECT_EQ(denial["response"]["allowed"], false);
  EXPECT_EQ(denial["response"]["uid"], "d-2");
  EXPECT_EQ(denial["response"]["status"]["code"], 403);
}

// Validates that an object that does not decode inside a well-formed review is answered with
// HTTP 200 and an errored review (code 400) carrying the uid, so the API server shows why.
TEST(ServeReview, UndecodableObject_IsErroredReviewWithUid) {
  auto lookup = std::make_shared<testing::FakeLookup>();
  Handler role_webhook = Webhooks(lookup)[1].handler;
  Json role = testing::RoleObject("demo", "demo");
  role["metadata"]["annotations"] = Json::array();

  auto answer = ServeReview(
      "application/json",
      Review({{"uid", "r-1"}, {"operation", "CREATE"}, {"object", role}}).dump(), role_webhook);

  EXPECT_EQ(answer.status, 200);
  Json review = ParseAnswer(answer);
  EXPECT_EQ(review["response"]["uid"], "r-1");
  EXPECT_EQ(review["response"]["allowed"], false);
  EXPECT_EQ(review["response"]["status"]["code"], 400);
  EXPECT_NE(review["response"]["status"]["message"].get<std::string>().find("metadata.annotations"),
            std::string::npos);
}

// Validates that a handler that throws is answered with an errored review (500), not a dropped
// connection.
TEST(ServeReview, ThrowingHandler_IsErrored500) {
  auto answer = ServeReview(
      "application/json", Review({{"uid", "t"}}).dump(),
      [](const AdmissionRequest&) -> AdmissionResponse { throw std::runtime_error("boom"); });

  Json review = ParseAnswer(answer);
  EXPECT_EQ(review["response"]["allowed"], false);
  EXPECT_EQ(review["response"]["status"]["code"], 500);
}

// Validates that the three webhooks are registered under the names and paths of §8.1.
TEST(Webhooks, NamesAndPathsMatchRegistration) {
  auto webhooks = Webhooks(std::make_shared<testing::FakeLookup>());
  ASSERT_EQ(webhooks.size(), 3u);
  EXPECT_EQ(webhooks[0].name, "vawsworkloadidentityconfig.aws.identity.appthrust.io");
  EXPECT_EQ(webhooks[0].path,
            "/validate-aws-identity-appthrust-io-v1alpha1-awsworkloadidentityconfig");
  EXPECT_EQ(webhooks[1].name, "vawsserviceaccountrole.aws.identity.appthrust.io");
  EXPECT_EQ(webhooks[1].path, "/validate-aws-identity-appthrust-io-v1alpha1-awsserviceaccountrole");
  EXPECT_EQ(webhooks[2].name, "vawsserviceaccountrolereplicaset.aws.identity.appthrust.io");
  EXPECT_EQ(webhooks[2].path,
            "/validate-aws-identity-appthrust-io-v1alpha1-awsserviceaccountrolereplicaset");
}

}  // namespace
}  // namespace awio::admission
