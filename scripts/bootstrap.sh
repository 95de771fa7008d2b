#!/usr/bin/env bash
# Installs the tools the stack and the tests need, once, into a cache outside the clone.
# Idempotent: a tool whose pinned version is already cached is skipped, so a second run takes seconds.
# Prints what it builds and how long it took; fails with one line naming what is missing.
set -euo pipefail

TOOLS_DIR="${MESSENGER_TOOLS_DIR:-$HOME/.cache/messenger-tools}"
mkdir -p "$TOOLS_DIR/bin"

say() { printf '[bootstrap] %s\n' "$*"; }
die() { printf '[bootstrap] error: %s\n' "$*" >&2; exit 1; }

# name | go module path@version | binary go produces
GO_TOOLS=(
  "nats-server|github.com/nats-io/nats-server/v2@v2.12.15|nats-server"
  "livekit-server|github.com/livekit/livekit-server/cmd/server@v1.13.5|server"
  "ferretdb|github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2|ferretdb|source:github.com/FerretDB/FerretDB:cmd/ferretdb"
  "k6|go.k6.io/k6/v2@v2.2.0|k6"
  "kustomize|sigs.k8s.io/kustomize/kustomize/v5@v5.7.1|kustomize"
  "kubeconform|github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0|kubeconform"
)
# lk needs cgo and PortAudio; it is optional (load tests fall back to rtc-node bots), so a failure only warns.
OPTIONAL_GO_TOOLS=(
  "lk|github.com/livekit/livekit-cli/v2/cmd/lk@v2.18.2|lk"
)
# The local trace viewer for `TRACE_VIEWER=1 npm start`; built only when asked (BOOTSTRAP_TRACE_VIEWER=1), as it
# is a large build. Its go.mod has a replace directive, which `go install pkg@version` refuses: built from source.
TRACE_VIEWER_TOOL="jaeger|github.com/jaegertracing/jaeger/cmd/jaeger@v1.76.0|jaeger|source:github.com/jaegertracing/jaeger:cmd/jaeger"
APT_PACKAGES=(redis-server chromium fonts-noto-core fonts-noto-color-emoji)

apt_install() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then say "apt: ${APT_PACKAGES[*]} already installed"; return; fi
  command -v apt-get >/dev/null || die "apt-get not found: install ${missing[*]} by hand"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  local t0=$SECONDS
  say "apt: installing ${missing[*]}"
  $sudo apt-get update -qq >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
  say "apt: done in $((SECONDS - t0))s"
}

# `go install pkg@version` first asks the proxy for the module's version list to check deprecation;
# for vanity paths the proxy does not list (go.k6.io/k6/v2) that step fails offline. Building the package
# from a throwaway module that requires it skips the check and still uses only the module proxy.
build_in_wrapper_module() {
  local spec="$1" out="$2"; shift 2
  local pkg="${spec%@*}" version="${spec##*@}" dir
  dir="$(mktemp -d)"
  echo "retrying $spec through a wrapper module in $dir"
  (cd "$dir" && go mod init bootstrap-wrapper && GOFLAGS=-mod=mod go get "$pkg@$version" \
    && GOFLAGS=-mod=mod go build -trimpath "$@" -o "$out" "$pkg")
  local rc=$?
  rm -rf "$dir"
  return $rc
}

# Builds a command from a copy of its module's source, for modules `go install` cannot build as they are:
# FerretDB embeds build/version/version.txt, which `make` generates and the module zip lacks (a plain
# `go install` builds a binary that panics at start), so that file is written; Jaeger's go.mod has a
# replace directive, which `go install` refuses outside the module.
build_from_module_source() {
  local spec="$1" out="$2" module="$3" subdir="$4"
  local version="${spec##*@}" src dir
  src="$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$src" ] || return 1
  dir="$(mktemp -d)"
  cp -r "$src/." "$dir/" && chmod -R u+w "$dir"
  if [ -d "$dir/build/version" ]; then printf '%s\n' "$version" > "$dir/build/version/version.txt"; fi
  (cd "$dir" && go build -trimpath -o "$out" "./$subdir")
  local rc=$?
  rm -rf "$dir"
  return $rc
}

go_install() {
  local name="$1" spec="$2" produced="$3" optional="${4:-}" how="${5:-}"
  local version="${spec##*@}"
  # The stamp names the build recipe too, so a changed recipe rebuilds the tool.
  local stamp="$TOOLS_DIR/bin/.$name-$version${how:+-${how%%:*}}"
  if [ -f "$stamp" ] && [ -x "$TOOLS_DIR/bin/$name" ]; then say "$name $version cached"; return 0; fi
  # An optional tool that failed to build is not retried on every run (BOOTSTRAP_RETRY_OPTIONAL=1 does).
  if [ -n "$optional" ] && [ -f "$stamp.failed" ] && [ "${BOOTSTRAP_RETRY_OPTIONAL:-}" != "1" ]; then
    say "$name $version: skipped (failed before; see $TOOLS_DIR/$name-$version.log)"; return 0
  fi
  command -v go >/dev/null || die "Go toolchain not found (need go 1.24+ on PATH to build $name)"
  local t0=$SECONDS gobin
  gobin="$(mktemp -d)"
  say "$name $version: building (go install $spec)"
  local log="$TOOLS_DIR/$name-$version.log"
  local tags=()
  [ "$name" = "lk" ] && tags=(-tags portaudio_system)
  local built=1
  if [ "${how%%:*}" = "source" ]; then
    local module_and_dir="${how#source:}"
    build_from_module_source "$spec" "$gobin/$produced" "${module_and_dir%%:*}" "${module_and_dir#*:}" >"$log" 2>&1 || built=0
  else
    { GOBIN="$gobin" GOFLAGS="${GOFLAGS:-} -trimpath" go install "${tags[@]}" "$spec" >"$log" 2>&1 \
      || build_in_wrapper_module "$spec" "$gobin/$produced" "${tags[@]}" >>"$log" 2>&1; } || built=0
  fi
  if [ "$built" = 1 ]; then
    mv "$gobin/$produced" "$TOOLS_DIR/bin/$name"
    rm -f "$TOOLS_DIR/bin/.$name-"*; touch "$stamp"
    say "$name $version: built in $((SECONDS - t0))s"
  else
    rm -rf "$gobin"
    if [ -n "$optional" ]; then
      touch "$TOOLS_DIR/bin/.$name-$version.failed"
      say "$name $version: build failed, skipped (optional; see $log)"; return 0
    fi
    die "$name $version: go install failed after $((SECONDS - t0))s; last lines of $log: $(tail -n 3 "$log" | tr '\n' ' ')"
  fi
  rm -rf "$gobin"
}

T0=$SECONDS
apt_install
for t in "${GO_TOOLS[@]}"; do IFS='|' read -r n s p how <<<"$t"; go_install "$n" "$s" "$p" "" "$how"; done
if [ "${BOOTSTRAP_SKIP_OPTIONAL:-}" != "1" ]; then
  for t in "${OPTIONAL_GO_TOOLS[@]}"; do IFS='|' read -r n s p <<<"$t"; go_install "$n" "$s" "$p" optional; done
fi
if [ "${BOOTSTRAP_TRACE_VIEWER:-}" = "1" ]; then
  IFS='|' read -r n s p how <<<"$TRACE_VIEWER_TOOL"; go_install "$n" "$s" "$p" "" "$how"
fi
say "tools ready in $TOOLS_DIR/bin ($((SECONDS - T0))s)"
