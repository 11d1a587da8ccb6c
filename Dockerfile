# syntax=docker/dockerfile:1

# chainkb's image. The build stage compiles with cgo (SQLite is C); the runtime stage is
# distroless: glibc, CA certificates and a non-root user, no shell and no package manager.
# The SQLite database lives in the volume /data; to use PostgreSQL instead, set CHAINKB_DB to a
# postgres:// URL (see compose.yaml).

FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=1
# The modules first: a change to the code does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Exactly the command the tests build the binary with (internal/cli/docker_test.go checks it).
RUN ["go", "build", "-tags", "sqlite_fts5", "-trimpath", "-ldflags=-s -w", "-o", "/out/chainkb", "."]
# The volume's mount point, owned by the user that runs chainkb: the runtime stage has no shell
# to make it.
RUN mkdir -p /out/data

FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build /out/chainkb /chainkb
COPY --from=build --chown=65532:65532 /out/data /data
# distroless's "nonroot" user.
USER 65532:65532
ENV CHAINKB_ADDR=:8080 \
    CHAINKB_DB=/data/chainkb.db
VOLUME ["/data"]
EXPOSE 8080
# No curl here: the binary checks itself (GET /healthz on CHAINKB_ADDR, over the loopback).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["/chainkb", "healthcheck"]
# SIGTERM (docker stop) makes chainkb finish the requests in flight, close the database and exit 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/chainkb"]
