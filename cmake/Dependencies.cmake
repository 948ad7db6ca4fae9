# Every third-party dependency is found here, and only here. All come from Debian 12 packages
# installed by scripts/setup; nothing is downloaded or vendored.
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(LIBPQXX REQUIRED IMPORTED_TARGET libpqxx)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
find_package(nlohmann_json 3.10 REQUIRED)
# capture files (JSON Lines) are decoded with simdjson: a replay reads its capture as it goes.
find_package(simdjson 3 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Threads REQUIRED)
# capture reads .gz logs through Boost.Iostreams' gzip_decompressor (streaming, with zlib).
# (and .bz2, .xz through its bzip2 and lzma filters).
find_package(Boost 1.74 REQUIRED COMPONENTS iostreams)
# capture reads log times in the server's log_timezone with Howard Hinnant's date/tz over the
# system's tzdata (Debian's libhowardhinnant-date-dev, built with USE_OS_TZDB).
find_package(date REQUIRED)

find_path(PG_QUERY_INCLUDE_DIR pg_query.h REQUIRED)
find_library(PG_QUERY_LIBRARY NAMES pg_query REQUIRED)
# pg_query.pb-c.h (the scanner's output, used to redact what pg_query_normalize leaves) needs it.
find_path(PROTOBUF_C_INCLUDE_DIR protobuf-c/protobuf-c.h REQUIRED)
add_library(pg_query::pg_query UNKNOWN IMPORTED)
set_target_properties(pg_query::pg_query PROPERTIES
  IMPORTED_LOCATION ${PG_QUERY_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES "${PG_QUERY_INCLUDE_DIR};${PROTOBUF_C_INCLUDE_DIR}")

if(PGSHADOW_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
endif()

# metrics: prometheus-cpp's registry and text format (core); the push to a Pushgateway is a PUT
# with libcurl, which takes a timeout (prometheus-cpp's push component sets none). Its pull
# component (civetweb) is not used: the HTTP server is Boost.Beast.
find_package(prometheus-cpp REQUIRED COMPONENTS core)
find_package(CURL REQUIRED)

# core: SQLSTATE condition names come from PostgreSQL's errcodes.txt (all of them), shipped by
# the server package (postgresql-15) in its share directory; cmake/SqlstateTable.cmake turns it
# into a table at build time.
execute_process(COMMAND pg_config --sharedir OUTPUT_VARIABLE PG_SHAREDIR OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
file(GLOB PG_SHARE_VERSION_DIRS LIST_DIRECTORIES true /usr/share/postgresql/*)
list(SORT PG_SHARE_VERSION_DIRS COMPARE NATURAL ORDER DESCENDING)
find_file(PG_ERRCODES_TXT errcodes.txt HINTS ${PG_SHAREDIR} PATHS ${PG_SHARE_VERSION_DIRS} NO_DEFAULT_PATH REQUIRED)
