#!/usr/bin/env bash
# `npm run bootstrap:containers`: what the container tests and `docker compose up` need on a machine with no image
# registry. Installs Docker's engine and docker-compose from Debian, starts dockerd when none answers (its data under
# the tools cache, so later runs and CI reuse every layer), and builds the local base images once each:
#   local/bookworm:base   Debian bookworm minbase (debootstrap), with wget for healthchecks
#   local/debian:testing  Debian testing minbase, only for nginx (the compose config needs nginx ≥ 1.27.3)
#   local/node:20         the host's Node 20 and npm on bookworm, with the `node` user
#   local/nats, local/livekit, local/ferretdb   the Go servers the tool bootstrap built
#   local/redis:7, local/nginx:testing          Debian's packages
# Each image carries a label with the hash of what it was built from; a matching label means it is skipped.
# Idempotent: a second run takes seconds. Needs root (or sudo) for apt and dockerd, and scripts/bootstrap.sh first.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOLS_DIR="${MESSENGER_TOOLS_DIR:-$HOME/.cache/messenger-tools}"
DOCKER_DIR="$TOOLS_DIR/docker"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
APT_PACKAGES=(docker.io docker-compose debootstrap)

say() { printf '[containers] %s\n' "$*"; }
die() { printf '[containers] error: %s\n' "$*" >&2; exit 1; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  local t0=$SECONDS
  say "apt: installing ${missing[*]}"
  sudo_if_needed apt-get update -qq >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
  say "apt: done in $((SECONDS - t0))s"
}

# A dockerd that is already answering (the machine's, or one started before) is used as it is.
ensure_dockerd() {
  if docker info >/dev/null 2>&1; then return; fi
  mkdir -p "$DOCKER_DIR/data"
  say "dockerd: starting (data in $DOCKER_DIR/data, log in $DOCKER_DIR/dockerd.log)"
  # setsid: the daemon outlives this script and the test run that started it, like a system service would.
  # --ip: a port published without an address binds to loopback, not every interface (network safety).
  sudo_if_needed setsid dockerd --data-root "$DOCKER_DIR/data" --pidfile "$DOCKER_DIR/dockerd.pid" --ip 127.0.0.1 \
    >"$DOCKER_DIR/dockerd.log" 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && { say "dockerd: ready"; return; }
    sleep 0.5
  done
  die "dockerd did not answer within 30 s; last lines of $DOCKER_DIR/dockerd.log: $(tail -n 3 "$DOCKER_DIR/dockerd.log" | tr '\n' ' ')"
}

label_of() { docker image inspect -f '{{ index .Config.Labels "messenger.content" }}' "$1" 2>/dev/null || true; }

# A Debian root made by debootstrap, cleaned of what a container never uses, imported as an image.
debootstrap_image() {
  local tag="$1" suite="$2" key
  key="$(printf '%s|%s|%s' "$suite" "$MIRROR" "wget-v1" | sha256sum | cut -c1-16)"
  # `docker import` cannot label; the key rides in the image's comment instead.
  if [ "$(docker image inspect -f '{{ .Comment }}' "$tag" 2>/dev/null || true)" = "messenger.content=$key" ]; then
    say "$tag cached"; return
  fi
  local t0=$SECONDS dir
  dir="$(mktemp -d)"
  say "$tag: debootstrap $suite (about a minute)"
  # testing's name changes with each release; bookworm's debootstrap knows it by sid's script.
  local script=()
  [ "$suite" = testing ] && script=(/usr/share/debootstrap/scripts/sid)
  sudo_if_needed debootstrap --variant=minbase --include=wget "$suite" "$dir" "$MIRROR" "${script[@]}" >"$DOCKER_DIR/debootstrap-$suite.log" 2>&1 \
    || die "debootstrap $suite failed; see $DOCKER_DIR/debootstrap-$suite.log"
  sudo_if_needed rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/usr/share/doc \
    "$dir"/usr/share/man "$dir"/usr/share/info "$dir"/usr/share/locale
  sudo_if_needed tar -C "$dir" -c . | docker import -m "messenger.content=$key" - "$tag" >/dev/null
  sudo_if_needed rm -rf "$dir"
  say "$tag: built in $((SECONDS - t0))s ($(docker image inspect -f '{{ .Size }}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
}

# Builds $tag from deploy/images/$dockerfile and a context directory, unless an image with the same content hash
# (the Dockerfile, the context's files, the build arguments) is there already.
built_image() {
  local tag="$1" dockerfile="$2" context="$3"; shift 3
  local key
  key="$( (cat "$ROOT/deploy/images/$dockerfile"; printf '%s\n' "$@"; cd "$context" && find . -type f -print0 | sort -z \
    | xargs -0 sha256sum) | sha256sum | cut -c1-16)"
  if [ "$(label_of "$tag")" = "$key" ]; then say "$tag cached"; return; fi
  local t0=$SECONDS
  say "$tag: building"
  docker build -q -f "$ROOT/deploy/images/$dockerfile" --label "messenger.content=$key" "$@" -t "$tag" "$context" \
    >"$DOCKER_DIR/build-${tag//[\/:]/-}.log" 2>&1 || die "building $tag failed; see $DOCKER_DIR/build-${tag//[\/:]/-}.log"
  say "$tag: built in $((SECONDS - t0))s ($(docker image inspect -f '{{ .Size }}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
}

server_image() {
  local tag="$1" binary="$TOOLS_DIR/bin/$2" context
  [ -x "$binary" ] || die "$binary is missing: run scripts/bootstrap.sh first"
  context="$(mktemp -d)"
  cp "$binary" "$context/server"
  built_image "$tag" server.Dockerfile "$context"
  rm -rf "$context"
}

node_image() {
  local node npm context
  node="$(command -v node)"; npm="$(dirname "$(readlink -f "$(command -v npm)")")/.."
  [ "$(node -p 'process.versions.node.split(".")[0]')" = 20 ] || die "the host's Node is not 20: $(node --version)"
  context="$(mktemp -d)"
  cp "$(readlink -f "$node")" "$context/node"
  cp -r "$(readlink -f "$npm")" "$context/npm"
  cp "${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}" "$context/ca-certificates.crt" \
    || die "no CA bundle at ${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"
  built_image local/node:20 node.Dockerfile "$context"
  rm -rf "$context"
}

# Each from a context of only the files its Dockerfile copies, so a change to another image's files rebuilds neither.
debian_package_image() {
  local tag="$1" dockerfile="$2" context; shift 2
  context="$(mktemp -d)"
  for file in "$@"; do cp "$ROOT/deploy/images/$file" "$context/"; done
  built_image "$tag" "$dockerfile" "$context"
  rm -rf "$context"
}

T0=$SECONDS
apt_install
mkdir -p "$DOCKER_DIR"
ensure_dockerd
debootstrap_image local/bookworm:base bookworm
debootstrap_image local/debian:testing testing
node_image
server_image local/nats:2.12 nats-server
server_image local/livekit:1.13 livekit-server
server_image local/ferretdb:1.24 ferretdb
debian_package_image local/redis:7 redis.Dockerfile
debian_package_image local/nginx:testing nginx.Dockerfile nginx-main.conf
say "base images ready ($((SECONDS - T0))s)"
