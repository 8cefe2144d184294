# Checks that the README's quick example is examples/quickstart.cpp, verbatim: the code block
# that follows the line "<!-- examples/quickstart.cpp -->" in README must equal the file.
#   cmake -DREADME=README.md -DSOURCE=examples/quickstart.cpp -P check_readme_quickstart.cmake
cmake_policy(VERSION 3.16)
file(READ "${README}" readme)
file(READ "${SOURCE}" source)
set(marker "<!-- examples/quickstart.cpp -->\n```cpp\n")
string(FIND "${readme}" "${marker}" begin)
if(begin EQUAL -1)
  message(FATAL_ERROR "${README}: no line '<!-- examples/quickstart.cpp -->' followed by a ```cpp block")
endif()
string(LENGTH "${marker}" marker_length)
math(EXPR begin "${begin} + ${marker_length}")
string(SUBSTRING "${readme}" ${begin} -1 rest)
string(FIND "${rest}" "\n```\n" end)
if(end EQUAL -1)
  message(FATAL_ERROR "${README}: the quick example's code block is not closed")
endif()
math(EXPR end "${end} + 1")  # keep the last line's newline
string(SUBSTRING "${rest}" 0 ${end} block)
if(NOT block STREQUAL source)
  file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/readme_quickstart_block.cpp" "${block}")
  message(FATAL_ERROR "The README's quick example differs from ${SOURCE}; the README's block is "
    "in ${CMAKE_CURRENT_BINARY_DIR}/readme_quickstart_block.cpp (diff the two)")
endif()
message("The README's quick example is ${SOURCE}, verbatim.")
