# Runs [LAUNCHER] PROGRAM [ARGUMENT] and checks its exit status and output.
#   cmake [-DLAUNCHER=mpiexec|-n|2] -DPROGRAM=... [-DARGUMENT=...] -DEXPECT_EXIT=N
#         [-DEXPECT_STDOUT=regex] [-DEXPECT_STDERR=regex] -P check_run.cmake
# LAUNCHER and ARGUMENT may hold several words separated by "|" (ctest would split a ";").
# A regex must match somewhere in the output ('.' also matches a line end).
cmake_policy(VERSION 3.16)
if(NOT DEFINED PROGRAM OR NOT DEFINED EXPECT_EXIT)
  message(FATAL_ERROR "check_run.cmake: PROGRAM and EXPECT_EXIT are required")
endif()
string(REPLACE "|" ";" launcher "${LAUNCHER}")
string(REPLACE "|" ";" arguments "${ARGUMENT}")
list(REMOVE_ITEM launcher "")
list(REMOVE_ITEM arguments "")
execute_process(COMMAND ${launcher} ${PROGRAM} ${arguments}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
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
