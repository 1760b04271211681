// awio-ack-s3-standin: a STAND-IN that plays the ACK S3 controller's part for Bucket
// (s3.services.k8s.aws/v1alpha1), in tests and the local environment only. The only served
// releases of the real controller address buckets virtual-host style, which cannot reach a
// loopback emulator (docs/development/local-environment.md), so this program does what ACK does
// for the fields this project writes, against the emulator with path-style addressing:
//
//   - adds ACK's finalizer `finalizers.s3.services.k8s.aws/Bucket`;
//   - creates the bucket spec.name when it is missing (with a LocationConstraint unless the
//     region is us-east-1, and spec.objectOwnership as the creation header), then brings
//     spec.policy, spec.publicAccessBlock, spec.ownershipControls or spec.objectOwnership, and
//     spec.tagging.tagSet to what the spec says, writing only what differs;
//   - records status.ackResourceMetadata {arn arn:aws:s3:::<name>, ownerAccountID, region} and
//     ACK.ResourceSynced=True, or ACK.ResourceSynced=False with ACK.Recoverable carrying the AWS
//     error, through the status subresource and only when it changed;
//   - on deletion, deletes the bucket (a non-empty bucket keeps the finalizer and reports
//     ACK.Recoverable until a later pass succeeds; NoSuchBucket counts as deleted), then removes
//     the finalizer.
//
// The region is ACK's: the object's `services.k8s.aws/region` annotation, else --aws-region (the
// controller default). It polls the hub (every --interval-ms) instead of watching: it is test
// tooling, and the product never depends on it. Fields this project never sets (CORS, lifecycle,
// logging, versioning, ...) are ignored.
#include <openssl/evp.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <set>
#include <sstream>
#include <string>

#include "base/encoding.h"
#include "base/error.h"
#include "http.h"
#include "standin_support.h"

namespace {

using awio::ErrorCode;
using awio::MakeError;
using awio::OkStatus;
using awio::Status;
using awio::testenv::HttpRequest;
using awio::testenv::HttpResponse;
using awio::testenv::Send;
namespace standin = awio::testenv::standin;
using standin::Json;
using std::chrono::steady_clock;

constexpr const char* kFinalizer = "finalizers.s3.services.k8s.aws/Bucket";
constexpr const char* kBuckets = "/apis/s3.services.k8s.aws/v1alpha1";
// ACK's per-object region override; ACK reads it before the controller's default region.
constexpr const char* kRegionAnnotation = "services.k8s.aws/region";
// S3's original region takes no LocationConstraint (S3 refuses one naming it).
constexpr const char* kLocationlessRegion = "us-east-1";
constexpr const char* kS3XmlNamespace = "http://s3.amazonaws.com/doc/2006-03-01/";
// Short enough that tests waiting on ACK.ResourceSynced see it within a second.
constexpr int kDefaultIntervalMs = 500;
// How long a Bucket synced at its current generation goes without a fresh look at S3, so a pass
// every half second does not send five S3 calls per Bucket; drift is still repaired within it.
constexpr auto kResyncPeriod = std::chrono::seconds(10);

struct Options {
  standin::ApiServerOptions hub;
  std::string aws_endpoint, region = "us-east-1", access_key = "testing", secret_key = "testing";
  std::string account_id = "123456789012";
  int interval_ms = kDefaultIntervalMs;
};

// Content-MD5 (base64 of the MD5 digest): S3 requires it on the bucket-configuration PUTs.
std::string ContentMd5(const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(body.data(), body.size(), digest, &length, EVP_md5(), nullptr);
  return awio::base::Base64Encode(
      std::string_view(reinterpret_cast<const char*>(digest), static_cast<std::size_t>(length)));
}

std::string XmlText(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return out.str();
}

// A document whose root element `name` is in S3's XML namespace.
pugi::xml_node S3Root(pugi::xml_document& doc, const char* name) {
  pugi::xml_node root = doc.append_child(name);
  root.append_attribute("xmlns") = kS3XmlNamespace;
  return root;
}

// The text of the first element named `name` anywhere in `xml`, or "".
std::string FirstElementText(const std::string& xml, const char* name) {
  pugi::xml_document doc;
  if (!doc.load_string(xml.c_str())) return "";
  const pugi::xpath_node node = doc.select_node((std::string("//") + name).c_str());
  return node ? node.node().text().as_string() : "";
}

// S3's error code of a response ("NoSuchBucket"), or "" when the body has none (HEAD).
std::string S3ErrorCode(const HttpResponse& response) {
  return FirstElementText(response.body, "Code");
}

// The error as the AWS SDK for Go words it, which is what ACK puts into ACK.Recoverable
// (request ids left out so that retries do not churn status).
awio::Error S3Error(const std::string& operation, const HttpResponse& response) {
  std::string message = "operation error S3: " + operation + ", ";
  if (response.status == 0) {
    return MakeError(ErrorCode::kUnavailable, message + response.error);
  }
  message += "https response error StatusCode: " + std::to_string(response.status);
  const std::string code = S3ErrorCode(response);
  if (!code.empty()) {
    message += ", api error " + code + ": " + FirstElementText(response.body, "Message");
  }
  awio::Error error = MakeError(ErrorCode::kInternal, message);
  error.http_status = static_cast<int>(response.status);
  error.reason = code;
  return error;
}

// The public access block as S3 spells its four switches.
struct PublicAccessBlock {
  bool block_public_acls = false, ignore_public_acls = false, block_public_policy = false,
       restrict_public_buckets = false;
  friend bool operator==(const PublicAccessBlock&, const PublicAccessBlock&) = default;
};

// Path-style S3 calls for one bucket in one region, signed by libcurl's SigV4.
class BucketApi {
 public:
  BucketApi(const Options& o, std::string bucket, std::string region)
      : o_(o), bucket_(std::move(bucket)), region_(std::move(region)) {}

  // `subresource` is the query ("policy", "tagging", ...), empty for the bucket itself.
  HttpResponse Call(const std::string& method, const std::string& subresource,
                    const std::string& body = {}, std::vector<std::string> headers = {}) const {
    HttpRequest r{.method = method, .url = o_.aws_endpoint + "/" + bucket_};
    if (!subresource.empty()) r.url += "?" + subresource;
    r.body = body;
    r.headers = std::move(headers);
    r.aws_sigv4 = "aws:amz:" + region_ + ":s3";
    r.aws_access_key_id = o_.access_key;
    r.aws_secret_access_key = o_.secret_key;
    return Send(r);
  }

  // A configuration PUT with an XML body (Content-MD5 as S3 requires).
  HttpResponse PutXml(const std::string& subresource, const pugi::xml_document& doc) const {
    const std::string body = XmlText(doc);
    return Call("PUT", subresource, body,
                {"Content-Type: application/xml", "Content-MD5: " + ContentMd5(body)});
  }

  const std::string& bucket() const { return bucket_; }
  const std::string& region() const { return region_; }

 private:
  const Options& o_;
  std::string bucket_;
  std::string region_;
};

class Standin {
 public:
  Standin(standin::ApiServerAccess hub, Options options)
      : hub_(std::move(hub)), o_(std::move(options)) {}

  void RunOnce() {
    auto list = hub_.Request("GET", std::string(kBuckets) + "/buckets");
    if (list.status != 200) {
      LogOnce("list buckets: " + standin::ResponseText(list));
      return;
    }
    last_list_error_.clear();
    const Json items = Json::parse(list.body, nullptr, false).value("items", Json::array());
    std::set<std::string> present;
    for (const auto& item : items) {
      present.insert(item.at("metadata").value("uid", ""));
      Reconcile(item);
    }
    std::erase_if(marks_, [&](const auto& entry) { return !present.contains(entry.first); });
    std::erase_if(last_errors_, [&](const auto& entry) { return !present.contains(entry.first); });
  }

 private:
  // When a Bucket was last found in sync with S3, to skip S3 until kResyncPeriod passes.
  struct SyncMark {
    long generation = 0;
    steady_clock::time_point at;
  };

  // Logs `error` of `operation` on `bucket` unless it is the error last logged for the object;
  // an empty `error` forgets it. A persistent error is logged once, not on every pass.
  void LogError(const Json& bucket, const std::string& operation, const std::string& error) {
    const std::string uid = bucket.at("metadata").value("uid", "");
    if (!error.empty() && last_errors_[uid] != error) {
      standin::Log(operation + " " + standin::ObjectKey(bucket) + ": " + error);
    }
    last_errors_[uid] = error;
  }

  void LogOnce(const std::string& line) {
    if (line == last_list_error_) return;
    last_list_error_ = line;
    standin::Log(line);
  }

  static std::string ObjectPath(const Json& bucket) {
    const Json metadata = bucket.value("metadata", Json::object());
    return std::string(kBuckets) + "/namespaces/" + metadata.value("namespace", "") + "/buckets/" +
           metadata.value("name", "");
  }

  std::string RegionOf(const Json& bucket) const {
    const Json annotations =
        bucket.value("metadata", Json::object()).value("annotations", Json::object());
    const std::string annotated = annotations.value(kRegionAnnotation, "");
    return annotated.empty() ? o_.region : annotated;
  }

  void Reconcile(const Json& bucket) {
    const Json metadata = bucket.value("metadata", Json::object());
    const std::string uid = metadata.value("uid", "");
    if (metadata.contains("deletionTimestamp")) {
      marks_.erase(uid);
      Delete(bucket);
      return;
    }
    if (!standin::HasFinalizer(bucket, kFinalizer)) {
      auto r =
          hub_.Request("PATCH", ObjectPath(bucket), standin::AddFinalizerPatch(bucket, kFinalizer));
      if (r.status != 200) {
        standin::Log("add finalizer to " + standin::ObjectKey(bucket) + ": " +
                     standin::ResponseText(r));
      }
      return;  // the next pass sees the finalizer
    }

    const long generation = metadata.value("generation", 0L);
    auto mark = marks_.find(uid);
    if (mark != marks_.end() && mark->second.generation == generation &&
        steady_clock::now() - mark->second.at < kResyncPeriod) {
      return;
    }

    const Json spec = bucket.value("spec", Json::object());
    const BucketApi api(o_, spec.value("name", ""), RegionOf(bucket));
    bool exists = false;
    Status synced = Sync(api, spec, exists);
    LogError(bucket, "sync", synced.ok() ? "" : synced.error().message);

    Json next = bucket.value("status", Json::object());
    next["ackResourceMetadata"] = {{"ownerAccountID", o_.account_id}, {"region", api.region()}};
    if (exists) next["ackResourceMetadata"]["arn"] = "arn:aws:s3:::" + api.bucket();
    if (WriteStatus(bucket, next, synced) && synced.ok()) {
      marks_[uid] = {generation, steady_clock::now()};
    } else {
      marks_.erase(uid);
    }
  }

  // Creates the bucket if needed and brings each configured field to the spec. `exists` tells
  // whether the bucket exists afterwards (even when a later step failed).
  Status Sync(const BucketApi& api, const Json& spec, bool& exists) {
    if (api.bucket().empty()) {
      return MakeError(ErrorCode::kInvalid, "spec.name is empty: no bucket to manage");
    }
    auto head = api.Call("HEAD", "");
    if (head.status == 404) {
      if (Status created = Create(api, spec); !created.ok()) return created;
      standin::Log("created bucket " + api.bucket() + " in " + api.region());
    } else if (head.status != 200) {
      return S3Error("HeadBucket", head);
    }
    exists = true;

    for (auto step : {&Standin::SyncPolicy, &Standin::SyncPublicAccessBlock,
                      &Standin::SyncOwnershipControls, &Standin::SyncTagging}) {
      if (Status status = (this->*step)(api, spec); !status.ok()) return status;
    }
    return OkStatus();
  }

  Status Create(const BucketApi& api, const Json& spec) {
    std::string location = spec.value("createBucketConfiguration", Json::object())
                               .value("locationConstraint", std::string());
    if (location.empty() && api.region() != kLocationlessRegion) location = api.region();
    std::string body;
    if (!location.empty()) {
      pugi::xml_document doc;
      S3Root(doc, "CreateBucketConfiguration")
          .append_child("LocationConstraint")
          .text()
          .set(location.c_str());
      body = XmlText(doc);
    }
    std::vector<std::string> headers = {"Content-Type: application/xml"};
    const std::string ownership = spec.value("objectOwnership", "");
    if (!ownership.empty()) headers.push_back("x-amz-object-ownership: " + ownership);
    auto r = api.Call("PUT", "", body, headers);
    if (r.status != 200) return S3Error("CreateBucket", r);
    return OkStatus();
  }

  Status SyncPolicy(const BucketApi& api, const Json& spec) {
    const std::string desired = spec.value("policy", "");
    if (desired.empty()) return OkStatus();
    auto current = api.Call("GET", "policy");
    if (current.status == 200 && SamePolicy(current.body, desired)) return OkStatus();
    if (current.status != 200 && S3ErrorCode(current) != "NoSuchBucketPolicy") {
      return S3Error("GetBucketPolicy", current);
    }
    auto r = api.Call("PUT", "policy", desired, {"Content-Type: application/json"});
    if (r.status != 200 && r.status != 204) return S3Error("PutBucketPolicy", r);
    return OkStatus();
  }

  // Policies compare as JSON values, since S3 may return a reformatted document.
  static bool SamePolicy(const std::string& a, const std::string& b) {
    const Json pa = Json::parse(a, nullptr, false);
    const Json pb = Json::parse(b, nullptr, false);
    if (pa.is_discarded() || pb.is_discarded()) return a == b;
    return pa == pb;
  }

  Status SyncPublicAccessBlock(const BucketApi& api, const Json& spec) {
    if (!spec.contains("publicAccessBlock") || !spec["publicAccessBlock"].is_object()) {
      return OkStatus();
    }
    const Json& block = spec["publicAccessBlock"];
    const PublicAccessBlock desired{
        .block_public_acls = block.value("blockPublicACLs", false),
        .ignore_public_acls = block.value("ignorePublicACLs", false),
        .block_public_policy = block.value("blockPublicPolicy", false),
        .restrict_public_buckets = block.value("restrictPublicBuckets", false)};
    auto current = api.Call("GET", "publicAccessBlock");
    if (current.status == 200) {
      auto flag = [&](const char* name) { return FirstElementText(current.body, name) == "true"; };
      const PublicAccessBlock observed{.block_public_acls = flag("BlockPublicAcls"),
                                       .ignore_public_acls = flag("IgnorePublicAcls"),
                                       .block_public_policy = flag("BlockPublicPolicy"),
                                       .restrict_public_buckets = flag("RestrictPublicBuckets")};
      if (observed == desired) return OkStatus();
    } else if (S3ErrorCode(current) != "NoSuchPublicAccessBlockConfiguration") {
      return S3Error("GetPublicAccessBlock", current);
    }
    pugi::xml_document doc;
    pugi::xml_node root = S3Root(doc, "PublicAccessBlockConfiguration");
    auto set = [&](const char* name, bool value) {
      root.append_child(name).text().set(value ? "true" : "false");
    };
    set("BlockPublicAcls", desired.block_public_acls);
    set("IgnorePublicAcls", desired.ignore_public_acls);
    set("BlockPublicPolicy", desired.block_public_policy);
    set("RestrictPublicBuckets", desired.restrict_public_buckets);
    auto r = api.PutXml("publicAccessBlock", doc);
    if (r.status != 200) return S3Error("PutPublicAccessBlock", r);
    return OkStatus();
  }

  // spec.ownershipControls.rules[0].objectOwnership when set, else spec.objectOwnership.
  Status SyncOwnershipControls(const BucketApi& api, const Json& spec) {
    std::string desired = spec.value("objectOwnership", "");
    const Json rules =
        spec.value("ownershipControls", Json::object()).value("rules", Json::array());
    if (!rules.empty() && rules[0].is_object()) {
      desired = rules[0].value("objectOwnership", desired);
    }
    if (desired.empty()) return OkStatus();
    auto current = api.Call("GET", "ownershipControls");
    if (current.status == 200 && FirstElementText(current.body, "ObjectOwnership") == desired) {
      return OkStatus();
    }
    if (current.status != 200 && S3ErrorCode(current) != "OwnershipControlsNotFoundError") {
      return S3Error("GetBucketOwnershipControls", current);
    }
    pugi::xml_document doc;
    S3Root(doc, "OwnershipControls")
        .append_child("Rule")
        .append_child("ObjectOwnership")
        .text()
        .set(desired.c_str());
    auto r = api.PutXml("ownershipControls", doc);
    if (r.status != 200) return S3Error("PutBucketOwnershipControls", r);
    return OkStatus();
  }

  Status SyncTagging(const BucketApi& api, const Json& spec) {
    const Json tagging = spec.value("tagging", Json::object());
    if (!tagging.contains("tagSet") || !tagging["tagSet"].is_array()) return OkStatus();
    std::map<std::string, std::string> desired;
    for (const auto& tag : tagging["tagSet"]) {
      desired[tag.value("key", "")] = tag.value("value", "");
    }

    auto current = api.Call("GET", "tagging");
    std::map<std::string, std::string> observed;
    if (current.status == 200) {
      pugi::xml_document doc;
      doc.load_string(current.body.c_str());
      for (const auto& tag : doc.select_nodes("//Tag")) {
        observed[tag.node().child_value("Key")] = tag.node().child_value("Value");
      }
    } else if (S3ErrorCode(current) != "NoSuchTagSet") {
      return S3Error("GetBucketTagging", current);
    }
    if (observed == desired) return OkStatus();

    if (desired.empty()) {
      auto r = api.Call("DELETE", "tagging");
      if (r.status != 204 && r.status != 200) return S3Error("DeleteBucketTagging", r);
      return OkStatus();
    }
    pugi::xml_document doc;
    pugi::xml_node set = S3Root(doc, "Tagging").append_child("TagSet");
    for (const auto& [key, value] : desired) {
      pugi::xml_node tag = set.append_child("Tag");
      tag.append_child("Key").text().set(key.c_str());
      tag.append_child("Value").text().set(value.c_str());
    }
    auto r = api.PutXml("tagging", doc);
    if (r.status != 200 && r.status != 204) return S3Error("PutBucketTagging", r);
    return OkStatus();
  }

  void Delete(const Json& bucket) {
    if (!standin::HasFinalizer(bucket, kFinalizer)) return;
    const Json status = bucket.value("status", Json::object());
    std::string region =
        status.value("ackResourceMetadata", Json::object()).value("region", std::string());
    if (region.empty()) region = RegionOf(bucket);
    const BucketApi api(o_, bucket.value("spec", Json::object()).value("name", ""), region);

    if (!api.bucket().empty()) {
      auto r = api.Call("DELETE", "");
      if (r.status != 204 && r.status != 200 && S3ErrorCode(r) != "NoSuchBucket") {
        const awio::Error error = S3Error("DeleteBucket", r);
        LogError(bucket, "delete", error.message);
        WriteStatus(bucket, status, error);
        return;  // the finalizer stays; the next pass retries
      }
    }
    auto r = hub_.Request("PATCH", ObjectPath(bucket),
                          standin::RemoveFinalizerPatch(bucket, kFinalizer));
    if (r.status != 200) {
      standin::Log("remove finalizer of " + standin::ObjectKey(bucket) + ": " +
                   standin::ResponseText(r));
      return;
    }
    standin::Log("deleted bucket " + api.bucket() + " of " + standin::ObjectKey(bucket));
  }

  // Writes `next` with the ACK conditions for `outcome` unless the object already has exactly
  // that status. Returns whether the object's status now matches.
  bool WriteStatus(const Json& bucket, Json next, const Status& outcome) {
    const Json current = bucket.value("status", Json::object());
    next["conditions"] =
        standin::AckConditions(current, outcome.ok(), outcome.ok() ? "" : outcome.error().message);
    if (next == current) return true;
    auto r = hub_.Request("PATCH", ObjectPath(bucket) + "/status", {{"status", next}});
    if (r.status != 200) {
      standin::Log("status of " + standin::ObjectKey(bucket) + ": " + standin::ResponseText(r));
      return false;
    }
    return true;
  }

  standin::ApiServerAccess hub_;
  Options o_;
  std::map<std::string, SyncMark> marks_;           // by object uid
  std::map<std::string, std::string> last_errors_;  // by object uid
  std::string last_list_error_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Stand-in for the ACK S3 controller, Bucket only, path-style (tests)."};
  o.hub.Register(app);
  app.add_option("--aws-endpoint-url", o.aws_endpoint, "S3 endpoint (the emulator)")->required();
  app.add_option("--aws-region", o.region, "Default region of buckets (ACK's controller region)");
  app.add_option("--account-id", o.account_id, "Account id written to ackResourceMetadata");
  app.add_option("--interval-ms", o.interval_ms, "Poll interval");
  CLI11_PARSE(app, argc, argv);

  try {
    const standin::ApiServerAccess hub = o.hub.Resolve();
    Standin standin(hub, o);
    return standin::RunPollLoop("ack-s3-standin: reconciling Buckets on " + hub.server,
                                std::chrono::milliseconds(o.interval_ms),
                                [&] { standin.RunOnce(); });
  } catch (const std::exception& e) {
    std::cerr << "ack-s3-standin: " << e.what() << std::endl;
    return 1;
  }
}
