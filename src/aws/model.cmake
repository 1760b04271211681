# aws model: the pure AWS rules (library awio_aws): generated names, labels and tags, trust
# policies, inline policy canonicalization, ACK object builders, ACK status readers and the
# semantic comparison that keeps unchanged objects unwritten. No network, no API types.
add_library(awio_aws STATIC
  ${CMAKE_CURRENT_LIST_DIR}/go_json.cc
  ${CMAKE_CURRENT_LIST_DIR}/names.cc
  ${CMAKE_CURRENT_LIST_DIR}/trust_policy.cc
  ${CMAKE_CURRENT_LIST_DIR}/policy_document.cc
  ${CMAKE_CURRENT_LIST_DIR}/ack_objects.cc
  ${CMAKE_CURRENT_LIST_DIR}/ack_status.cc
  ${CMAKE_CURRENT_LIST_DIR}/ack_diff.cc)
target_include_directories(awio_aws PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(awio_aws PUBLIC awio_base awio_api nlohmann_json::nlohmann_json OpenSSL::Crypto)
