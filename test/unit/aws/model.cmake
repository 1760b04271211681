# Tests of the aws model (src/aws, library awio_aws): names, labels and tags, trust policies,
# policy documents, ACK object builders, ACK status readers and the semantic comparison.
add_executable(aws_model_unit_test
  ${CMAKE_CURRENT_LIST_DIR}/names_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/trust_policy_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/policy_document_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/ack_objects_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/ack_status_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/ack_diff_test.cc)
target_link_libraries(aws_model_unit_test PRIVATE awio_aws GTest::gtest_main)
gtest_discover_tests(aws_model_unit_test PROPERTIES LABELS unit)
