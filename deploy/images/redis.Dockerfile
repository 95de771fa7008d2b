# Redis from Debian (7.0, bookworm) for machines that cannot pull redis:7: the compose file's command and
# healthcheck (redis-server …, redis-cli ping) work on both.
ARG BASE=local/bookworm:base
FROM ${BASE}
# Check-Valid-Until off: the mirror this machine reaches may be a dated snapshot, whose Release file has "expired".
RUN apt-get -o Acquire::Check-Valid-Until=false update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir /data && chown redis:redis /data
USER redis
WORKDIR /data
CMD ["redis-server"]
