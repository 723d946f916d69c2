# redwire_dataapi_client: Data API requests/responses (dapi_ops*), retry policy (dapi_retry),
# the libcurl multi engine behind abstract event hooks (dapi_multi) and calls (dapi_client*).
# Knows libcurl, cJSON and OpenSSL; never libuv (proxy/px_curl_uv runs it on a uv loop).
set(_dapi_client_dir ${CMAKE_CURRENT_LIST_DIR})
add_library(redwire_dataapi_client STATIC
  ${_dapi_client_dir}/dapi_client_rc.c
  ${_dapi_client_dir}/dapi_ops.c
  ${_dapi_client_dir}/dapi_ops_parse.c
  ${_dapi_client_dir}/dapi_ops_error.c
  ${_dapi_client_dir}/dapi_retry.c
  ${_dapi_client_dir}/dapi_multi.c
  ${_dapi_client_dir}/dapi_client_sign.c
  ${_dapi_client_dir}/dapi_client.c
  ${_dapi_client_dir}/dapi_http.c
  ${_dapi_client_dir}/dapi_sts.c
)
target_include_directories(redwire_dataapi_client PUBLIC ${CMAKE_SOURCE_DIR}/dataapi)
target_link_libraries(redwire_dataapi_client
  PUBLIC PkgConfig::LIBCURL PkgConfig::CJSON OpenSSL::Crypto redwire_auth m
  PRIVATE redwire_warnings)
if(TARGET redwire_dataapi)
  target_link_libraries(redwire_dataapi_client PUBLIC redwire_dataapi)
endif()
unset(_dapi_client_dir)
