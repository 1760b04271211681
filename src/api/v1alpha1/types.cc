// Delivery type helpers of types.h.
#include "api/v1alpha1/types.h"

namespace awio::api::v1alpha1 {

std::optional<DeliveryType> ParseDeliveryType(std::string_view value) {
  if (value == delivery::kSelfHostedIRSA) return DeliveryType::kSelfHostedIRSA;
  if (value == delivery::kEKSPodIdentity) return DeliveryType::kEKSPodIdentity;
  if (value == delivery::kEKSIRSA) return DeliveryType::kEKSIRSA;
  return std::nullopt;
}

std::string_view DeliveryTypeName(DeliveryType type) {
  switch (type) {
    case DeliveryType::kSelfHostedIRSA:
      return delivery::kSelfHostedIRSA;
    case DeliveryType::kEKSPodIdentity:
      return delivery::kEKSPodIdentity;
    case DeliveryType::kEKSIRSA:
      return delivery::kEKSIRSA;
  }
  return {};
}

bool UsesServiceAccountAnnotations(DeliveryType type) {
  return type == DeliveryType::kSelfHostedIRSA || type == DeliveryType::kEKSIRSA;
}

}  // namespace awio::api::v1alpha1
