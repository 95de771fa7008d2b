# A Node 20 runtime like node:20-bookworm-slim, for machines that cannot pull it: Debian bookworm (minbase) with the
# host's own Node binary and npm, and the same `node` user (uid 1000). scripts/containers.sh builds it as
# local/node:20 from a context holding `node`, `npm/` and the host's CA bundle; the product's images take it with
# --build-arg NODE_IMAGE=local/node:20. The bundle is there because such a machine often reaches the npm registry
# through a TLS-inspecting proxy that only its own trust store knows; `npm ci` inside the build must trust it too.
ARG BASE=local/bookworm:base
FROM ${BASE}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
    && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
    && groupadd --gid 1000 node \
    && useradd --uid 1000 --gid node --shell /bin/sh --create-home node \
    && node --version && npm --version
CMD ["node"]
