# Integration tests of the aws model against the AWS emulator (moto) started by the launcher in
# tools/testenv: the trust policy of every delivery type is accepted by IAM CreateRole and stored
# as rendered; the canonical inline policy and the issuer bucket policy are accepted by IAM and
# S3. The launcher always starts one API server as well; these tests do not use it.
find_package(pugixml REQUIRED)
add_executable(aws_model_integration_test
  ${CMAKE_CURRENT_LIST_DIR}/trust_policy_emulator_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/model_documents_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/model_emulator_util.cc
  ${CMAKE_CURRENT_LIST_DIR}/model_main.cc)
target_link_libraries(aws_model_integration_test PRIVATE awio_test_support awio_aws awio_oidc
                      pugixml::pugixml GTest::gtest)
add_test(NAME aws_model_integration_test COMMAND aws_model_integration_test)
set_tests_properties(aws_model_integration_test PROPERTIES
  ENVIRONMENT "TMPDIR=${AWIO_TEST_TMPDIR}" TIMEOUT 600 LABELS integration
  FIXTURES_REQUIRED testenv_processes)
