# proxy/ pure units: column types, PostgreSQL text and binary output of Data API values, Bind
# parameters → Data API SQL and parameters, and the mapping of Data API statement errors to
# ErrorResponse fields. No libuv, no curl, no I/O: unit-tested in
# tests/proxy/ with byte vectors. Included from proxy/CMakeLists.txt.

add_library(redwire_proxy_units STATIC
  ${CMAKE_CURRENT_LIST_DIR}/px_types.c
  ${CMAKE_CURRENT_LIST_DIR}/px_text.c
  ${CMAKE_CURRENT_LIST_DIR}/px_text_float.c
  ${CMAKE_CURRENT_LIST_DIR}/px_text_fscan.c
  ${CMAKE_CURRENT_LIST_DIR}/px_text_numeric.c
  ${CMAKE_CURRENT_LIST_DIR}/px_text_bytea.c
  ${CMAKE_CURRENT_LIST_DIR}/px_binary.c
  ${CMAKE_CURRENT_LIST_DIR}/px_binary_numeric.c
  ${CMAKE_CURRENT_LIST_DIR}/px_binary_time.c
  ${CMAKE_CURRENT_LIST_DIR}/px_param.c
  ${CMAKE_CURRENT_LIST_DIR}/px_param_text.c
  ${CMAKE_CURRENT_LIST_DIR}/px_param_numeric.c
  ${CMAKE_CURRENT_LIST_DIR}/px_param_time.c
  ${CMAKE_CURRENT_LIST_DIR}/px_errmap.c)
target_include_directories(redwire_proxy_units PUBLIC ${CMAKE_SOURCE_DIR}/proxy)
# m: isnan/isinf/signbit of the float formatter may be library calls.
target_link_libraries(redwire_proxy_units
  PUBLIC redwire_pgwire redwire_dataapi
  PRIVATE redwire_warnings m)
