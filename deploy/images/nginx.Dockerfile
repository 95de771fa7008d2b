# nginx for machines that cannot pull nginxinc/nginx-unprivileged: Debian's, from a base of Debian testing
# (local/debian:testing), because deploy/compose/nginx.conf re-resolves the gateways with `server … resolve`, which
# needs nginx 1.27.3 or later and bookworm has 1.22. Like the unprivileged image it runs as a non-root user, listens
# on 8080, reads conf.d/default.conf inside its http block and logs to stdout.
ARG BASE=local/debian:testing
FROM ${BASE}
# Check-Valid-Until off: the mirror this machine reaches may be a dated snapshot, whose Release file has "expired".
RUN apt-get -o Acquire::Check-Valid-Until=false update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled /etc/nginx/conf.d/* \
    && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
COPY nginx-main.conf /etc/nginx/nginx.conf
USER www-data
EXPOSE 8080
CMD ["nginx", "-g", "daemon off;"]
