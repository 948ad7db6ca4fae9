function(pgshadow_apply_warnings target)
  target_compile_options(${target} INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
    -Wimplicit-fallthrough)
  # GCC 12 at -O2/-O3 warns falsely on "literal" + std::string (-Wrestrict inside libstdc++'s
  # char_traits::copy; GCC bug 105651, fixed in GCC 13). It fired on new code after each fix at
  # its source (capture; then judge/explain.cc, report/capture_stats.cc), failing every -Werror
  # Release build (scripts/package, the Dockerfile): off for that compiler only.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
     AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} INTERFACE -Wno-restrict)
  endif()
  if(PGSHADOW_WERROR)
    target_compile_options(${target} INTERFACE -Werror)
  endif()
endfunction()
