# runtime helpers: condition semantics, finalizers, status writes and the event recorder, used
# by every reconciler. Included from src/runtime/CMakeLists.txt; depends on the kube client only.
add_library(awio_runtime_helpers STATIC
  ${CMAKE_CURRENT_LIST_DIR}/conditions.cc
  ${CMAKE_CURRENT_LIST_DIR}/events.cc
  ${CMAKE_CURRENT_LIST_DIR}/finalizers.cc
  ${CMAKE_CURRENT_LIST_DIR}/status.cc)
target_include_directories(awio_runtime_helpers PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(awio_runtime_helpers PUBLIC awio_kube awio_base nlohmann_json::nlohmann_json
                      Threads::Threads)
