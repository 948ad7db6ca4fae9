# The image of the pre-cutover job (deploy/k8s/verify-job.yaml): Debian 12 packages only, pgshadow
# built from this repository with its own scripts, then copied into a runtime stage that keeps
# the libraries and the PostgreSQL 15 server binaries the embedded server needs.
FROM debian:12 AS build
RUN apt-get update && apt-get install -y --no-install-recommends sudo ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN apt-get update && scripts/setup && rm -rf /var/lib/apt/lists/* \
 && rm -rf build && scripts/build build

FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends \
      postgresql-15 postgresql-client-15 libpqxx-6.4 libboost-iostreams1.74.0 libxxhash0 \
      libprometheus-cpp-core1.0 libprometheus-cpp-push1.0 libpg-query1504.0 libprotobuf-c1 libyaml-cpp0.7 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --create-home pgshadow
COPY --from=build /src/build/pgshadow /usr/local/bin/pgshadow
# Fail the image build, not the job, when a runtime library is missing from the list above.
RUN ! ldd /usr/local/bin/pgshadow | grep "not found"
ENV PGSHADOW_PG_BIN=/usr/lib/postgresql/15/bin
# PostgreSQL's server refuses to start as root: the embedded server runs as this user.
USER 10001
ENTRYPOINT ["pgshadow"]
CMD ["--help"]
