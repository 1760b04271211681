# aws clients: SigV4, the HTTP exchange, endpoints, AWS error decoding, S3, STS and the manager's
# own credentials (library awio_aws_client). No Debian package provides an AWS SDK for C++, so
# these clients are ours; libcurl carries the bytes, pugixml reads the XML answers.
find_package(pugixml REQUIRED)

add_library(awio_aws_client STATIC
  ${CMAKE_CURRENT_LIST_DIR}/http.cc
  ${CMAKE_CURRENT_LIST_DIR}/endpoint.cc
  ${CMAKE_CURRENT_LIST_DIR}/sigv4.cc
  ${CMAKE_CURRENT_LIST_DIR}/aws_error.cc
  ${CMAKE_CURRENT_LIST_DIR}/credentials_types.cc
  ${CMAKE_CURRENT_LIST_DIR}/credentials.cc
  ${CMAKE_CURRENT_LIST_DIR}/sts.cc
  ${CMAKE_CURRENT_LIST_DIR}/s3.cc)
target_include_directories(awio_aws_client PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(awio_aws_client PUBLIC awio_base CURL::libcurl OpenSSL::Crypto
                      PRIVATE pugixml::pugixml nlohmann_json::nlohmann_json)
