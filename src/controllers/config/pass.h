// State of one reconcile pass of the config reconciler, shared by its source files (internal to
// src/controllers/config; not a public interface).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/v1alpha1/types.h"
#include "base/encoding.h"
#include "base/strings.h"
#include "base/time.h"
#include "controllers/config/reconciler.h"
#include "inventory/resolver.h"
#include "kube/client.h"
#include "oidc/publication.h"

namespace awio::controllers::config {

using base::Base64Decode;
using base::Base64UrlEncode;
using base::FormatRfc3339;
using base::GoQuote;

struct Reconciler::Pass {
  runtime::Request request;
  kube::Json object;  // the config as read at the start of the pass
  api::v1alpha1::Config config;
  kube::Json status;    // the status being built
  kube::Json snapshot;  // status as read, for the write-only-on-change rule
  std::int64_t generation = 0;
  std::string webhook_namespace;  // operator config value, defaulted
  inventory::Resolution resolution;
  // Set once the issuer flow rendered this pass's publication (SelfHostedIRSA).
  std::optional<oidc::Publication> publication;
  std::string signing_public_key_pem;

  const std::string& ns() const { return config.metadata.ns; }
  const std::string& name() const { return config.metadata.name; }
  const std::string& uid() const { return config.metadata.uid; }
  const std::string& type() const { return config.spec.type; }
  bool ForceDelete() const;
};

// Writes status[key] = value, or removes the key when value is empty (omitempty fields).
void SetOrErase(kube::Json& status, std::string_view key, const std::string& value);
// status[key] as a string ("" when absent).
std::string StringField(const kube::Json& status, std::string_view key);

}  // namespace awio::controllers::config
