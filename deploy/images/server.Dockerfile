# One Go-built server (NATS, LiveKit, FerretDB) from the binary the tool bootstrap built, for machines that cannot
# pull nats, livekit/livekit-server or a MongoDB: scripts/containers.sh builds local/<name>:<version> from a context
# holding the binary as `server`. It runs as an unprivileged user; /data is its volume, owned by that user (and
# /data/db, where the compose file mounts MongoDB's volume, for FerretDB standing in for it).
ARG BASE=local/bookworm:base
FROM ${BASE}
COPY server /usr/local/bin/server
RUN useradd --uid 1000 --user-group --no-create-home --shell /usr/sbin/nologin server \
    && mkdir -p /data/db && chown -R server:server /data
USER server
WORKDIR /data
ENTRYPOINT ["/usr/local/bin/server"]
