# Integration tests of the aws clients against the AWS emulator (moto) started by the launcher in
# tools/testenv: S3 objects, STS AssumeRoleWithWebIdentity, and the manager's web identity and
# container credential sources end to end. One small API server is started as well: the launcher
# needs one, and it mints the real service-account token used as the web identity.
pkg_check_modules(AWIO_AWS_CLIENT_IT_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
add_executable(aws_client_integration_test
  ${CMAKE_CURRENT_LIST_DIR}/client_emulator.cc
  ${CMAKE_CURRENT_LIST_DIR}/client_s3_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/client_credentials_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/client_main.cc)
target_link_libraries(aws_client_integration_test PRIVATE awio_test_support awio_aws_client
                      GTest::gtest GTest::gmock PkgConfig::AWIO_AWS_CLIENT_IT_HTTPLIB
                      nlohmann_json::nlohmann_json)
add_test(NAME aws_client_integration_test COMMAND aws_client_integration_test)
set_tests_properties(aws_client_integration_test PROPERTIES
  ENVIRONMENT "TMPDIR=${AWIO_TEST_TMPDIR}" TIMEOUT 600 LABELS integration
  FIXTURES_REQUIRED testenv_processes)
