# `cmake --install` puts libtrit, the public headers and a CMake package (trit::trit) in place.
include(CMakePackageConfigHelpers)

install(TARGETS trit EXPORT tritTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES include/trit/trit.h include/trit/trit.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/trit)
install(EXPORT tritTargets NAMESPACE trit:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/trit)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/tritConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/tritConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/trit)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/tritConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/tritConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/tritConfigVersion.cmake DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/trit)
