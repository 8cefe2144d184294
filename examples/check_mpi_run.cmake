# Runs COMMAND (its arguments separated by "|", as ctest would split a ";") and checks its exit
# status and standard output, as check_run.cmake does: for a program started by mpiexec.
#   cmake "-DCOMMAND=mpiexec|-n|2|program|argument" -DEXPECT_EXIT=N [-DEXPECT_STDOUT=regex]
#         -P check_mpi_run.cmake
# A regex must match somewhere in the output ('.' also matches a line end).
cmake_policy(VERSION 3.16)
if(NOT DEFINED COMMAND OR NOT DEFINED EXPECT_EXIT)
  message(FATAL_ERROR "check_mpi_run.cmake: COMMAND and EXPECT_EXIT are required")
endif()
string(REPLACE "|" ";" command "${COMMAND}")
list(REMOVE_ITEM command "")
execute_process(COMMAND ${command} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}")
if(err)
  message("stderr:\n${err}")
endif()
if(NOT status STREQUAL EXPECT_EXIT)
  message(FATAL_ERROR "check_mpi_run.cmake: ${command} exited with '${status}'; expected ${EXPECT_EXIT}")
endif()
if(DEFINED EXPECT_STDOUT AND NOT out MATCHES "${EXPECT_STDOUT}")
  message(FATAL_ERROR "check_mpi_run.cmake: stdout does not match\n  ${EXPECT_STDOUT}")
endif()
