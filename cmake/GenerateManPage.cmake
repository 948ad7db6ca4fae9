# Run at build time (cmake -P): pgshadow(1) from the binary's own --help, with help2man, plus a
# COMMANDS section holding each subcommand's --help, so the man page cannot drift from the
# flags. Inputs: PGSHADOW (the built binary), COMMANDS (its subcommands, ";"-separated), HELP2MAN,
# VERSION, WORK_DIR, OUTPUT (pgshadow.1).
set(include_file "${WORK_DIR}/pgshadow.h2m")
set(text "[COMMANDS]\n")
foreach(command ${COMMANDS})
  execute_process(COMMAND "${PGSHADOW}" ${command} --help OUTPUT_VARIABLE help RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${PGSHADOW} ${command} --help exited ${status}")
  endif()
  # roff: a backslash is \e; a line starting with . or ' would be a request.
  string(REPLACE "\\" "\\e" help "${help}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")
  string(APPEND text ".SS \"pgshadow ${command}\"\n.nf\n${help}\n.fi\n")
endforeach()
string(APPEND text "[SEE ALSO]\nThe documentation in /usr/share/doc/pgshadow (README.md, docs/), the Grafana dashboard and\nPrometheus rules in /usr/share/pgshadow/dashboards.\n")
file(WRITE "${include_file}" "${text}")
execute_process(
  # The help text is UTF-8 (an em dash in the title): help2man must not read it as ASCII.
  COMMAND "${HELP2MAN}" --locale=C.UTF-8 --no-info --no-discard-stderr --section=1
          "--name=shadow-traffic schema verifier for PostgreSQL"
          "--version-string=${VERSION}" "--include=${include_file}" --output=${OUTPUT} "${PGSHADOW}"
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "help2man failed (${status}) on ${PGSHADOW}")
endif()
