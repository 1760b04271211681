// The AWS partition a region belongs to, and the two things that follow from it: the partition
// name written into ARNs ("arn:<partition>:iam::...") and the DNS suffix of service endpoints.
// Every ARN and endpoint this project derives goes through here, so that a GovCloud or China
// region never gets an "arn:aws:" ARN (the original operator always writes "aws"; see
// docs/reference/differences.md). Pure functions; header-only.
#pragma once

#include <string_view>

namespace awio::aws {

struct Partition {
  std::string_view name;        // "aws", "aws-cn", "aws-us-gov", ...
  std::string_view dns_suffix;  // "amazonaws.com", "amazonaws.com.cn", ...
};

// The partition of `region`, decided by its prefix as AWS publishes them. Regions that match no
// special prefix belong to the commercial partition "aws".
constexpr Partition PartitionOfRegion(std::string_view region) {
  struct Prefix {
    std::string_view prefix;
    Partition partition;
  };
  // Longest prefixes first: "us-isob-" must win over "us-iso-".
  constexpr Prefix kPrefixes[] = {
      {"us-gov-", {"aws-us-gov", "amazonaws.com"}}, {"cn-", {"aws-cn", "amazonaws.com.cn"}},
      {"us-isob-", {"aws-iso-b", "sc2s.sgov.gov"}}, {"us-isof-", {"aws-iso-f", "csp.hci.ic.gov"}},
      {"us-iso-", {"aws-iso", "c2s.ic.gov"}},       {"eu-isoe-", {"aws-iso-e", "cloud.adc-e.uk"}},
      {"eusc-", {"aws-eusc", "amazonaws.eu"}},
  };
  for (const auto& entry : kPrefixes) {
    if (region.substr(0, entry.prefix.size()) == entry.prefix) return entry.partition;
  }
  return {"aws", "amazonaws.com"};
}

}  // namespace awio::aws
