# Checks pictures written by an example: each file exists, is a complete SVG document with a
# title and at least one drawn path, and (when RSVG names rsvg-convert) renders to PNG.
#   cmake "-DFILES=a.svg|b.svg" [-DRSVG=/usr/bin/rsvg-convert] -P check_svg.cmake
# Files are separated by '|' (ctest would split an argument at a ';').
cmake_policy(VERSION 3.16)
if(NOT DEFINED FILES)
  message(FATAL_ERROR "check_svg.cmake: FILES is required")
endif()
string(REPLACE "|" ";" files "${FILES}")
foreach(file IN LISTS files)
  if(NOT EXISTS "${file}")
    message(FATAL_ERROR "check_svg.cmake: ${file} was not written")
  endif()
  file(READ "${file}" text)
  if(NOT text MATCHES "^<\\?xml version=\"1\\.0\" encoding=\"UTF-8\"\\?>\n<svg "
     OR NOT text MATCHES "<title>[^<]+</title>" OR NOT text MATCHES "<path d=\"M"
     OR NOT text MATCHES "</svg>\n$")
    message(FATAL_ERROR "check_svg.cmake: ${file} is not a complete SVG chart")
  endif()
  if(RSVG)
    execute_process(COMMAND "${RSVG}" -o "${file}.png" "${file}"
      RESULT_VARIABLE status ERROR_VARIABLE err)
    if(NOT status EQUAL 0)
      message(FATAL_ERROR "check_svg.cmake: ${RSVG} cannot render ${file}: ${err}")
    endif()
  endif()
  message("${file}: ok")
endforeach()
