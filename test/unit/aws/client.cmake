# Unit tests of the aws clients (library awio_aws_client): SigV4 against AWS's published vectors,
# error decoding, endpoints, the credential providers and the STS and S3 request/response pieces,
# without AWS (transports are injected; the HTTP tests use a loopback cpp-httplib server).
pkg_check_modules(AWIO_AWS_CLIENT_TEST_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
add_executable(aws_client_unit_test
  ${CMAKE_CURRENT_LIST_DIR}/sigv4_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/aws_error_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/endpoint_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/http_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/credentials_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/sts_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/s3_test.cc)
target_include_directories(aws_client_unit_test PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(aws_client_unit_test PRIVATE awio_aws_client GTest::gtest_main GTest::gmock
                      PkgConfig::AWIO_AWS_CLIENT_TEST_HTTPLIB)
gtest_discover_tests(aws_client_unit_test PROPERTIES LABELS unit)
