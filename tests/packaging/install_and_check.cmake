# Installs the build tree BUILD_DIR into PREFIX (emptied first) and checks what was installed:
# every header, the package config, version and targets files, and the licence; and that no
# installed CMake file refers to the source or build tree (the install is relocatable).
#   cmake -DBUILD_DIR=... -DPREFIX=... -DCONFIG=... -DSOURCE_DIR=... -DVERSION=... -P install_and_check.cmake
cmake_policy(VERSION 3.16)
file(REMOVE_RECURSE "${PREFIX}")
set(config_args)
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" ${config_args}
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cmake --install ${BUILD_DIR} --prefix ${PREFIX} failed: ${status}")
endif()

include(GNUInstallDirs)
set(config_dir "${PREFIX}/${CMAKE_INSTALL_DATADIR}/cmake/logistic_neuron")
# Every header of the source tree, at the same place under the prefix.
file(GLOB_RECURSE headers RELATIVE "${SOURCE_DIR}/include" "${SOURCE_DIR}/include/*.hpp")
list(LENGTH headers header_count)
if(header_count LESS 10)
  message(FATAL_ERROR "found only ${header_count} headers under ${SOURCE_DIR}/include")
endif()
set(installed_headers)
foreach(header IN LISTS headers)
  list(APPEND installed_headers "${PREFIX}/${CMAKE_INSTALL_INCLUDEDIR}/${header}")
endforeach()
foreach(file
    ${installed_headers}
    "${config_dir}/logistic_neuronConfig.cmake"
    "${config_dir}/logistic_neuronConfigVersion.cmake"
    "${config_dir}/logistic_neuronTargets.cmake"
    "${PREFIX}/${CMAKE_INSTALL_DATADIR}/doc/logistic_neuron/LICENSE")
  if(NOT EXISTS "${file}")
    message(FATAL_ERROR "not installed: ${file}")
  endif()
endforeach()

file(GLOB cmake_files "${config_dir}/*.cmake")
foreach(file IN LISTS cmake_files)
  file(READ "${file}" text)
  foreach(tree "${SOURCE_DIR}" "${BUILD_DIR}")
    string(FIND "${text}" "${tree}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "${file} refers to ${tree}; an install must not depend on the trees it came from")
    endif()
  endforeach()
endforeach()

file(READ "${config_dir}/logistic_neuronConfigVersion.cmake" version_file)
if(NOT version_file MATCHES "PACKAGE_VERSION \"${VERSION}\"")
  message(FATAL_ERROR "logistic_neuronConfigVersion.cmake does not declare version ${VERSION}")
endif()
message("installed logistic_neuron ${VERSION} into ${PREFIX}")
