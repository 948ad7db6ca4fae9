# What `cmake --install` (and the Debian package, cmake/Packaging.cmake) puts where: the binary,
# its man page generated from --help at build time, bash completions, the CI comment script,
# the dashboards and rules, the Kubernetes example and the documentation.
include(GNUInstallDirs)

option(PGSHADOW_MAN_PAGE "Generate pgshadow(1) from --help at build time (needs help2man)" ON)

install(TARGETS pgshadow RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/pr-comment DESTINATION ${CMAKE_INSTALL_BINDIR}
        RENAME pgshadow-pr-comment)

if(PGSHADOW_MAN_PAGE)
  find_program(HELP2MAN help2man)
  if(NOT HELP2MAN)
    message(FATAL_ERROR "help2man not found: install it (Debian: apt-get install help2man) or configure "
                        "with -DPGSHADOW_MAN_PAGE=OFF")
  endif()
  set(man_page ${PROJECT_BINARY_DIR}/man/pgshadow.1)
  add_custom_command(
    OUTPUT ${man_page}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
    COMMAND ${CMAKE_COMMAND} -DPGSHADOW=$<TARGET_FILE:pgshadow> "-DCOMMANDS=verify\;capture\;report\;merge"
            -DHELP2MAN=${HELP2MAN} -DVERSION=${PROJECT_VERSION} -DWORK_DIR=${PROJECT_BINARY_DIR}/man
            -DOUTPUT=${man_page} -P ${PROJECT_SOURCE_DIR}/cmake/GenerateManPage.cmake
    DEPENDS pgshadow ${PROJECT_SOURCE_DIR}/cmake/GenerateManPage.cmake
    COMMENT "Generating pgshadow(1) from --help")
  add_custom_target(pgshadow_man_page ALL DEPENDS ${man_page})
  install(FILES ${man_page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

install(FILES ${PROJECT_SOURCE_DIR}/packaging/bash-completion/pgshadow
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/dashboards/ DESTINATION ${CMAKE_INSTALL_DATADIR}/pgshadow/dashboards)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/deploy/ DESTINATION ${CMAKE_INSTALL_DATADIR}/pgshadow/deploy)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/ci/ DESTINATION ${CMAKE_INSTALL_DATADIR}/pgshadow/ci USE_SOURCE_PERMISSIONS)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
