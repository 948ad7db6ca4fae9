function(pgshadow_apply_warnings target)
  target_compile_options(${target} INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
    -Wimplicit-fallthrough)
  if(PGSHADOW_WERROR)
    target_compile_options(${target} INTERFACE -Werror)
  endif()
endfunction()
