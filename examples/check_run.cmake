# Runs PROGRAM [ARGUMENT] and checks its exit status and output.
#   cmake -DPROGRAM=... [-DARGUMENT=...] -DEXPECT_EXIT=N [-DEXPECT_STDOUT=regex]
#         [-DEXPECT_STDERR=regex] -P check_run.cmake
# A regex must match somewhere in the output ('.' also matches a line end).
cmake_policy(VERSION 3.16)
if(NOT DEFINED PROGRAM OR NOT DEFINED EXPECT_EXIT)
  message(FATAL_ERROR "check_run.cmake: PROGRAM and EXPECT_EXIT are required")
endif()
if(DEFINED ARGUMENT)
  execute_process(COMMAND ${PROGRAM} ${ARGUMENT}
    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
else()
  execute_process(COMMAND ${PROGRAM}
    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
endif()
message("${out}")
if(err)
  message("stderr:\n${err}")
endif()
if(NOT status STREQUAL EXPECT_EXIT)
  message(FATAL_ERROR "check_run.cmake: ${PROGRAM} exited with '${status}'; expected ${EXPECT_EXIT}")
endif()
if(DEFINED EXPECT_STDOUT AND NOT out MATCHES "${EXPECT_STDOUT}")
  message(FATAL_ERROR "check_run.cmake: stdout does not match\n  ${EXPECT_STDOUT}")
endif()
if(DEFINED EXPECT_STDERR AND NOT err MATCHES "${EXPECT_STDERR}")
  message(FATAL_ERROR "check_run.cmake: stderr does not match\n  ${EXPECT_STDERR}")
endif()
