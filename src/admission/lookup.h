// The cross-resource reads the validating webhook makes (spec/api.md §8.2): the namespace's
// AWSWorkloadIdentityConfig/default and the AWSServiceAccountRoles of a namespace. They go
// straight to the API server, never to a cache, because admission must see writes that an
// informer may not have delivered yet. Lookup is the seam that lets the validators be tested
// without a server; ClientLookup is the one production implementation.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/v1alpha1/types.h"
#include "base/error.h"
#include "kube/client.h"

namespace awio::admission {

class Lookup {
 public:
  virtual ~Lookup() = default;

  // AWSWorkloadIdentityConfig/default in `ns`. An Error with code kNotFound when it does not
  // exist; any other Error keeps the API server's HTTP status and reason when it sent one.
  virtual Result<api::v1alpha1::Config> GetConfig(const std::string& ns) = 0;

  // The AWSServiceAccountRoles in `ns`, terminating ones included, selected by namespace only:
  // no field selector, because the CRD declares no selectable fields and the API server would
  // refuse one (§8.2). `limit` > 0 asks for at most that many; 0 reads every page.
  virtual Result<std::vector<api::v1alpha1::Role>> ListRoles(const std::string& ns, long limit) = 0;
};

// Lookup through our Kubernetes client. Thread-safe (the client is); every call is a request.
// An object the server returns that does not decode fails the call (kInvalid, no HTTP status),
// as a typed Go client's decode error would.
class ClientLookup : public Lookup {
 public:
  explicit ClientLookup(std::shared_ptr<kube::Client> client);

  Result<api::v1alpha1::Config> GetConfig(const std::string& ns) override;
  Result<std::vector<api::v1alpha1::Role>> ListRoles(const std::string& ns, long limit) override;

 private:
  std::shared_ptr<kube::Client> client_;
};

}  // namespace awio::admission
