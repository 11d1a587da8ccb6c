# chainkb's image. The build stage compiles with cgo (SQLite is C); the runtime stage is
# distroless: glibc, CA certificates and a non-root user, no shell and no package manager.
#
# Build with BuildKit (the default builder since Docker 23; DOCKER_BUILDKIT=1 before that): the
# RUN --mount cache mounts below keep Go's module and build caches between builds, and BuildKit's
# built-in frontend reads them, so no "# syntax=" line (which would fetch a frontend image) is
# needed. Podman/Buildah read them too; build with "podman build --format docker ." there, or
# the OCI image format drops the HEALTHCHECK.
#
# The SQLite database is /data/chainkb.db: mount a named volume there (docker run -v
# chainkb-data:/data) or it lives, and dies, in the container's own layer. There is no VOLUME
# line, so no anonymous volume is made for a container that uses PostgreSQL (CHAINKB_DB set to a
# postgres:// URL, as in compose.yaml) or for each "docker compose up".

# The Go version is go.mod's "go" line, patch release included (TestDockerfileGoVersion): update
# the two together.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=1
# The modules first: a change to the code does not download them again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# Exactly the command the tests build the binary with (internal/cli/docker_test.go checks it),
# with the module and build caches kept by BuildKit between builds.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build ["go", "build", "-tags", "sqlite_fts5", "-trimpath", "-ldflags=-s -w", "-o", "/out/chainkb", "."]
# The data directory, owned by the user that runs chainkb: the runtime stage has no shell to
# make it. A new named volume mounted on /data starts as a copy of it, owner included.
RUN mkdir -p /out/data

FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build /out/chainkb /chainkb
COPY --from=build --chown=65532:65532 /out/data /data
# distroless's "nonroot" user.
USER 65532:65532
# CHAINKB_ADDR_FILE: the server writes the address it listens on there, and "chainkb
# healthcheck" reads it, so the health check follows -addr as well as CHAINKB_ADDR. /tmp must be
# writable for it: with docker run --read-only add --tmpfs /tmp (without it the check falls back
# to CHAINKB_ADDR).
ENV CHAINKB_ADDR=:8080 \
    CHAINKB_DB=/data/chainkb.db \
    CHAINKB_ADDR_FILE=/tmp/chainkb.addr
EXPOSE 8080
# No curl here: the binary checks itself (GET /healthz over the loopback, on the address above).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["/chainkb", "healthcheck"]
# SIGTERM (docker stop) makes chainkb finish the requests in flight (up to -shutdown-timeout, 8 s
# by default, within docker stop's 10 s), close the database and exit 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/chainkb"]
