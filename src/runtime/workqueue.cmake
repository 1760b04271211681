# The controller work queue and its rate limiters, with client-go semantics. Included by
# src/runtime/CMakeLists.txt; paths are relative to this file so that it works from there.
add_library(awio_runtime_workqueue STATIC ${CMAKE_CURRENT_LIST_DIR}/workqueue.cc
                                          ${CMAKE_CURRENT_LIST_DIR}/rate_limiter.cc)
target_include_directories(awio_runtime_workqueue PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(awio_runtime_workqueue PUBLIC awio_observability Threads::Threads)
