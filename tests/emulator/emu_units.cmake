# The emulator's pure building blocks (JSON writer, type mapping, parameter rewriting) and their
# unit tests. Included by tests/emulator/CMakeLists.txt; paths are relative to this file so it can
# be included from anywhere.

add_library(redwire_emu_units STATIC
  ${CMAKE_CURRENT_LIST_DIR}/emu_json.c
  ${CMAKE_CURRENT_LIST_DIR}/emu_types.c
  ${CMAKE_CURRENT_LIST_DIR}/emu_params.c)
target_include_directories(redwire_emu_units PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(redwire_emu_units PRIVATE redwire_warnings)

foreach(unit json types params)
  add_executable(test_emu_${unit} ${CMAKE_CURRENT_LIST_DIR}/test_emu_${unit}.c)
  target_link_libraries(test_emu_${unit}
    PRIVATE redwire_emu_units PkgConfig::CMOCKA redwire_warnings)
  add_test(NAME emu_${unit} COMMAND test_emu_${unit})
endforeach()
