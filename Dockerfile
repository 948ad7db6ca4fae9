# pgshadow's container image: the Debian package built from this repository (scripts/package),
# installed on a plain Debian 12 with apt, so the runtime stage holds exactly the package's
# runtime dependencies (libraries, the PostgreSQL 15 server and client tools for the embedded
# mode, python3 for pgshadow-pr-comment) and no compiler, -dev package, browser or Prometheus.
#
#   docker build -t pgshadow:0.1.0 .
#   docker run --rm -v "$PWD:/work" -w /work pgshadow:0.1.0 \
#     verify --baseline db/baseline.dump --migration migrations/ --capture traffic/ --report-dir pgshadow-report
#
# Runs as the unprivileged user pgshadow (uid 10001): PostgreSQL's server refuses to start as
# root, and a verification job needs no privilege. Used by deploy/k8s/ and the CI templates.

FROM debian:12 AS build
WORKDIR /src
# Only the build packages (scripts/setup build): the test tools are not needed to package.
COPY scripts/setup scripts/setup
RUN apt-get update \
 && scripts/setup build \
 && rm -rf /var/lib/apt/lists/*
COPY . .
# A source tree copied without .git: the commit for --version comes in as a build argument.
ARG PGSHADOW_COMMIT=unknown
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DPGSHADOW_WERROR=ON -DPGSHADOW_BUILD_TESTS=OFF \
          -DPGSHADOW_COMMIT="${PGSHADOW_COMMIT}" \
 && cmake --build /build -j"$(nproc)" \
 && cd /build && cpack -G DEB \
 && mv /build/pgshadow_*.deb /pgshadow.deb

FROM debian:12 AS runtime
COPY --from=build /pgshadow.deb /tmp/pgshadow.deb
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/pgshadow.deb ca-certificates \
 && rm -rf /var/lib/apt/lists/* /tmp/pgshadow.deb \
 && useradd --uid 10001 --create-home --shell /usr/sbin/nologin pgshadow \
 && pgshadow --version
ENV PGSHADOW_PG_BIN=/usr/lib/postgresql/15/bin
USER 10001
WORKDIR /home/pgshadow
ENTRYPOINT ["pgshadow"]
CMD ["--help"]
