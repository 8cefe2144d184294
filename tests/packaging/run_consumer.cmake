# Configures, builds and runs a consumer project with the outer build's toolchain, and checks
# its output; or, with EXPECT_CONFIGURE_FAILURE, checks that configuring fails with that message.
#   cmake -DSOURCE=... -DBINARY=... -DGENERATOR=... -DMAKE_PROGRAM=... -DCXX_COMPILER=...
#         -DCXX_FLAGS=... -DLINKER_FLAGS=... -DCONFIG=... -DEIGEN3_DIR=...
#         [-DPREFIX=... | -DLOGISTIC_NEURON_SOURCE_DIR=...] [-DREQUEST_VERSION=...]
#         (-DEXPECT_OUTPUT=regex | -DEXPECT_CONFIGURE_FAILURE=regex) -P run_consumer.cmake
cmake_policy(VERSION 3.16)
file(REMOVE_RECURSE "${BINARY}")

set(args -S "${SOURCE}" -B "${BINARY}" -G "${GENERATOR}"
  "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
  "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
  "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}"
  "-DCMAKE_BUILD_TYPE=${CONFIG}"
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
if(EIGEN3_DIR)
  list(APPEND args "-DEigen3_DIR=${EIGEN3_DIR}")
endif()
if(MAKE_PROGRAM)
  list(APPEND args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(DEFINED PREFIX)
  list(APPEND args "-DCMAKE_PREFIX_PATH=${PREFIX}" "-DLOGISTIC_NEURON_EXPECTED_PREFIX=${PREFIX}")
endif()
if(DEFINED LOGISTIC_NEURON_SOURCE_DIR)
  list(APPEND args "-DLOGISTIC_NEURON_SOURCE_DIR=${LOGISTIC_NEURON_SOURCE_DIR}")
endif()
if(DEFINED REQUEST_VERSION)
  list(APPEND args "-DREQUEST_VERSION=${REQUEST_VERSION}")
endif()

execute_process(COMMAND "${CMAKE_COMMAND}" ${args}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(DEFINED EXPECT_CONFIGURE_FAILURE)
  if(status EQUAL 0)
    message(FATAL_ERROR "configuring ${SOURCE} succeeded; expected it to fail")
  endif()
  if(NOT "${out}${err}" MATCHES "${EXPECT_CONFIGURE_FAILURE}")
    message(FATAL_ERROR "configuring ${SOURCE} failed, but not with a message matching\n  ${EXPECT_CONFIGURE_FAILURE}")
  endif()
  return()
endif()
if(NOT status EQUAL 0)
  message(FATAL_ERROR "configuring ${SOURCE} failed")
endif()

set(config_args)
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BINARY}" ${config_args} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "building ${SOURCE} failed")
endif()

file(GLOB_RECURSE programs "${BINARY}/consumer" "${BINARY}/consumer.exe")
if(NOT programs)
  message(FATAL_ERROR "the consumer program was not built in ${BINARY}")
endif()
list(GET programs 0 program)
execute_process(COMMAND "${program}" RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${program} exited with ${status}")
endif()
if(NOT out MATCHES "${EXPECT_OUTPUT}")
  message(FATAL_ERROR "${program}'s output does not match\n  ${EXPECT_OUTPUT}")
endif()
