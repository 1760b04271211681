// The test-vector table of testdata/vectors.yaml: api.md §11 vectors that the API server itself
// decides (layers Schema, CEL, Default, and accepted "–"/Controller inputs), read into plain
// structs. The file's header comment documents its format; this reader resolves base objects,
// applies JSON merge patches, and expands the two generators that keep large inputs readable:
//
//   "${repeat:TEXT:N}"   inside any string: TEXT repeated N times
//   {$list: {count: N, item: ITEM}}      an array of N copies of ITEM
//   {$map: {count: N, key: K, value: V}} an object of N members
//
// Inside $list and $map, "${i}" is the index (a whole "${i}" becomes an integer) and "${i:W}"
// the index zero-padded to W digits.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/error.h"

namespace awio::test {

struct ApiVector {
  std::string id;         // "TV-030", or "NOTE-18" for a check taken from api.md §12
  std::string name;       // CamelCase_Words stating the behaviour, e.g. "Region_UsEast1_IsAccepted"
  std::string layer;      // Schema, CEL, Default, Controller or "-"
  std::string spec_ref;   // the api.md section the vector checks
  nlohmann::json object;  // the CREATE request body
  nlohmann::json update;  // merge patch for a following UPDATE, or null
  nlohmann::json status;  // status written through the status subresource after CREATE, or null
  bool expect_accept = true;        // outcome of the last request (UPDATE / status write / CREATE)
  std::vector<std::string> fields;  // field paths the rejection must name (Status causes)
  std::vector<std::string> messages;  // substrings the rejection message must contain
  int error_count = -1;               // exact number of causes of the rejection; -1: any
  nlohmann::json stored;              // subset the stored object must contain, or null
  std::vector<std::string> absent;    // JSON pointers the stored object must not have
  std::string load_error;             // set on the one placeholder made when the file is bad

  // "TV030_Region_UsEast1_IsAccepted": a gtest-safe name that keeps the vector ID visible.
  std::string TestName() const;
};

struct VectorTable {
  std::vector<ApiVector> vectors;
  std::vector<std::string> webhook_vectors;              // IDs left to the webhook tests
  std::map<std::string, std::string> covered_elsewhere;  // ID -> the test that covers it
};

// Reads and expands testdata/vectors.yaml (or any file in that format).
Result<VectorTable> LoadVectorTable(const std::filesystem::path& path);

// Expands the generators described above in `node`; exposed for the examples file.
Result<nlohmann::json> ExpandGenerators(const nlohmann::json& node);

}  // namespace awio::test
