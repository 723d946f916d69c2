# Unit tests of the proxy core's pure parts (px_txn, px_auth, px_sink). Included from
# tests/proxy/CMakeLists.txt.
add_executable(test_px_core ${CMAKE_CURRENT_LIST_DIR}/test_px_core.c)
target_link_libraries(test_px_core PRIVATE redwire_proxy_core PkgConfig::CMOCKA redwire_warnings)
add_test(NAME proxy_px_core COMMAND test_px_core)

add_executable(test_px_log ${CMAKE_CURRENT_LIST_DIR}/test_px_log.c)
target_link_libraries(test_px_log PRIVATE redwire_proxy_core PkgConfig::CMOCKA redwire_warnings)
add_test(NAME proxy_px_log COMMAND test_px_log)

add_executable(test_px_tls ${CMAKE_CURRENT_LIST_DIR}/test_px_tls.c)
target_link_libraries(test_px_tls PRIVATE redwire_proxy_core PkgConfig::CMOCKA redwire_warnings)
add_test(NAME proxy_px_tls COMMAND test_px_tls)

# The login key-check cache (px_keycache).
add_executable(test_px_keycache ${CMAKE_CURRENT_LIST_DIR}/test_px_keycache.c)
target_link_libraries(test_px_keycache PRIVATE redwire_proxy_core PkgConfig::CMOCKA
  redwire_warnings)
add_test(NAME proxy_px_keycache COMMAND test_px_keycache)
