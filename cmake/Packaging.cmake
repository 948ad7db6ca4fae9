# The Debian package (`scripts/package`, or `cpack -G DEB` in a build tree): what
# cmake/Install.cmake installs, under /usr. Its Depends are runtime packages only: the shared
# libraries the binary links (found by dpkg-shlibdeps from the binary itself: libpq5, libpqxx,
# libpg-query, prometheus-cpp, yaml-cpp, Boost.Iostreams, ...), the PostgreSQL 15 server and
# client tools the embedded mode runs (initdb, postgres, psql, pg_restore), and python3 for
# pgshadow-pr-comment. Never a -dev package, a browser or a Prometheus: those are for the tests.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pgshadow)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "pgshadow")
set(CPACK_PACKAGE_CONTACT "pgshadow maintainers <pgshadow@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "shadow-traffic schema verifier for PostgreSQL")
set(CPACK_PACKAGE_DESCRIPTION
    "Replays captured production traffic against the baseline schema and the migrated (shadow) schema,\n"
    "compares every result and gives a verdict for CI, a Kubernetes job and release reviewers.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "postgresql-15, postgresql-client-15, python3")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "bash-completion")

include(CPack)
