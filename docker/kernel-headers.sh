#!/usr/bin/env bash
# How bpftrace gets this kernel's type information inside the container, and the headers it needs
# when the kernel has no BTF.
#
#   kerntop-kernel-headers plan      print the chosen way, change nothing
#   kerntop-kernel-headers prepare   carry it out; writes $state_dir/headers.state and env
#
# Ways, first that applies wins:
#   btf        /sys/kernel/btf/vmlinux exists: nothing to do (seconds to start)
#   host       headers mounted from the host (/lib/modules/R/build, /usr/src/linux-headers-R)
#   cached     prepared by an earlier start (the /var/cache/kerntop volume)
#   kheaders   CONFIG_IKHEADERS: bpftrace unpacks /sys/kernel/kheaders.tar.xz itself
#   linuxkit   Docker Desktop: the headers tarball of Docker's published kernel image (~1 min)
#   source     kernel.org source + /proc/config.gz + `make prepare` (3-5 min, the slow way)
#
# KERNTOP_ROOT prefixes every host path (tests point it at a scratch tree).
set -uo pipefail

root=${KERNTOP_ROOT:-}
release=${KERNTOP_KERNEL_RELEASE:-$(uname -r)}
arch=${KERNTOP_ARCH:-$(uname -m)}
state_dir=${KERNTOP_STATE_DIR:-/run/kerntop}
cache=${KERNTOP_HEADERS_CACHE:-/var/cache/kerntop/headers}
work="$cache/$release"
btf="$root/sys/kernel/btf/vmlinux"
kheaders="$root/sys/kernel/kheaders.tar.xz"
# 6.10.14-linuxkit -> 6.10.14 (upstream version, as kernel.org and Docker's tags name it)
version=${release%%-*}
version=${version%%+*}
# kernel.org names x.y.0 releases linux-x.y
src_file="linux-$version.tar.xz"
case $version in *.*.0) src_file="linux-${version%.0}.tar.xz" ;; esac

say() { printf 'kerntop-headers: %s\n' "$*" >&2; }

# A directory is a usable kernel build tree when its generated config header is there.
is_tree() { [ -f "$1/include/generated/autoconf.h" ] || [ -f "$1/include/config/auto.conf" ]; }

plan() {
  if [ -r "$btf" ]; then echo "btf $btf"; return; fi
  local d
  for d in "$root/lib/modules/$release/build" "$root/usr/src/linux-headers-$release" \
           "$root/lib/modules/$release/source"; do
    if is_tree "$d"; then echo "host $d"; return; fi
  done
  if [ -f "$work/.complete" ]; then echo "cached $(cat "$work/.complete")"; return; fi
  if [ -e "$kheaders" ] || [ -e "$root/lib/modules/$release/kernel/kernel/kheaders.ko" ] \
     || compgen -G "$root/lib/modules/$release/kernel/kernel/kheaders.ko*" >/dev/null; then
    echo "kheaders $kheaders"; return
  fi
  case $release in
    *linuxkit*) echo "linuxkit docker/for-desktop-kernel:$version ($arch)" ;;
    *) echo "source $src_file from cdn.kernel.org" ;;
  esac
}

set_state() { printf '%s\n' "$*" >"$state_dir/headers.state"; }
# The env file is sourced by the `kerntop` wrapper: docker exec does not inherit PID 1's env.
set_tree() { # dir
  printf 'export BPFTRACE_KERNEL_SOURCE=%q\nexport BPFTRACE_KERNEL_BUILD=%q\n' "$1" "$1" >"$state_dir/env"
}

# Downloads go through Node (docker/fetch.mjs): no curl in the image, progress as log lines.
fetch_js=${KERNTOP_FETCH_JS:-/usr/local/lib/kerntop/fetch.mjs}
fetch() { node "$fetch_js" get "$@"; }       # url out label [header...]
json() { node "$fetch_js" json "$@"; }       # url expr [header...]

prepare_linuxkit() {
  local repo=docker/for-desktop-kernel hub=${KERNTOP_REGISTRY_URL:-https://registry-1.docker.io/v2} goarch
  case $arch in x86_64) goarch=amd64 ;; aarch64|arm64) goarch=arm64 ;; *) goarch=$arch ;; esac
  say "[1/4] looking up $repo tags for $version"
  local tag
  tag=$(json "${KERNTOP_HUB_URL:-https://hub.docker.com}/v2/repositories/$repo/tags?page_size=100&ordering=last_updated&name=$version-" \
        "(d.results.find((r) => r.name.startsWith('$version-')) || {}).name") || return 1
  [ -n "$tag" ] || { say "no $repo tag for $version"; return 1; }
  local token
  token=$(json "${KERNTOP_AUTH_URL:-https://auth.docker.io}/token?service=registry.docker.io&scope=repository:$repo:pull" \
          "d.token") || return 1
  local auth="Authorization: Bearer $token"
  local accept='Accept: application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json'
  say "[2/4] reading the manifest of $repo:$tag ($goarch)"
  local ref=$tag digest
  # A multi-arch index first names the manifest of our architecture.
  digest=$(json "$hub/$repo/manifests/$ref" \
           "d.manifests ? d.manifests.find((m) => m.platform.architecture === '$goarch').digest : ''" "$auth" "$accept") || return 1
  [ -n "$digest" ] && ref=$digest
  # The image is FROM scratch: kernel, kernel-dev.tar (headers), modules. Take layers until one
  # holds kernel-dev.tar.
  local layers
  layers=$(json "$hub/$repo/manifests/$ref" "d.layers.map((l) => l.digest + ' ' + l.size).join('\\n')" "$auth" "$accept") || return 1
  local n=0 size
  while read -r digest size; do
    n=$((n + 1))
    say "[3/4] layer $n: $(( size / 1048576 )) MB"
    fetch "$hub/$repo/blobs/$digest" "$work.layer" "layer $n" "$auth" || return 1
    if tar -xzf "$work.layer" -C "$work.tmp" kernel-dev.tar 2>/dev/null; then break; fi
  done <<<"$layers"
  rm -f "$work.layer"
  [ -f "$work.tmp/kernel-dev.tar" ] || { say "no kernel-dev.tar in $repo:$tag"; return 1; }
  say "[4/4] unpacking headers"
  tar -xf "$work.tmp/kernel-dev.tar" -C "$work.tmp" && rm -f "$work.tmp/kernel-dev.tar" || return 1
  local tree
  tree=$(find "$work.tmp" -maxdepth 4 -type d -name 'linux-headers-*' | head -n 1)
  is_tree "$tree" || { say "kernel-dev.tar has no prepared tree"; return 1; }
  echo "${tree#"$work.tmp"}"
}

prepare_source() {
  local major=${version%%.*} file=$src_file
  local config="$root/proc/config.gz"
  [ -r "$config" ] || [ -n "$root" ] || modprobe -q configs 2>/dev/null
  [ -r "$config" ] || { say "no /proc/config.gz: the kernel's configuration is needed to prepare headers"; return 1; }
  say "[1/4] installing the build tools (gcc, make, flex, bison, bc, libelf-dev)"
  if ! command -v gcc >/dev/null || ! command -v flex >/dev/null; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        gcc make flex bison bc libelf-dev libssl-dev libc6-dev; } >&2 || return 1
  fi
  say "[2/4] downloading $file (about 140 MB)"
  fetch "${KERNTOP_KERNEL_ORG_URL:-https://cdn.kernel.org/pub/linux/kernel}/v$major.x/$file" "$work.src.tar.xz" "$file" || return 1
  say "[3/4] unpacking"
  tar -xJf "$work.src.tar.xz" -C "$work.tmp" && rm -f "$work.src.tar.xz" || return 1
  local tree="$work.tmp/linux-${file#linux-}"; tree=${tree%.tar.xz}
  say "[4/4] make prepare (1-3 minutes)"
  zcat "$config" >"$tree/.config" || return 1
  make -C "$tree" -s olddefconfig >&2 && make -C "$tree" -s -j"$(nproc)" prepare >&2 || return 1
  echo "${tree#"$work.tmp"}"
}

prepare() {
  mkdir -p "$state_dir"
  : >"$state_dir/env"
  local way; way=$(plan)
  local kind=${way%% *} arg=${way#* }
  case $kind in
    btf) set_state "ready: btf ($arg)"; say "kernel has BTF ($arg): no headers needed"; return 0 ;;
    host|cached) set_tree "$arg"; set_state "ready: $kind headers in $arg"; say "using $kind headers in $arg"; return 0 ;;
    kheaders)
      [ -e "$kheaders" ] || [ -n "$root" ] || modprobe -q kheaders 2>/dev/null
      if [ -e "$kheaders" ]; then set_state "ready: kheaders ($kheaders)"; say "bpftrace will unpack $kheaders"; return 0; fi
      say "kheaders module did not load; preparing headers another way"
      case $release in *linuxkit*) kind=linuxkit ;; *) kind=source ;; esac ;;
  esac
  say "kernel $release has no BTF: preparing kernel headers ($way); kerntop waits for them"
  set_state "preparing: $way"
  rm -rf "$work.tmp" && mkdir -p "$work.tmp" || { set_state "failed: cannot write $cache"; return 1; }
  local rel="" t0; t0=$(date +%s)
  if [ "$kind" = linuxkit ]; then
    rel=$(prepare_linuxkit) || { say "Docker's kernel image did not give headers; falling back to the kernel source"; rel=""; }
  fi
  if [ -z "$rel" ]; then
    rm -rf "$work.tmp" && mkdir -p "$work.tmp"
    rel=$(prepare_source) || rel=""
  fi
  if [ -z "$rel" ]; then
    rm -rf "$work.tmp"
    set_state "failed: could not prepare headers for $release (see $state_dir/headers.log); tracepoint probes still work"
    say "giving up: probes that need kernel structs will be unavailable"
    return 1
  fi
  rm -rf "$work" && mv "$work.tmp" "$work" && echo "$work$rel" >"$work/.complete"
  set_tree "$work$rel"
  set_state "ready: headers prepared in $work$rel"
  say "headers ready in $(( $(date +%s) - t0 ))s: $work$rel"
}

case ${1:-} in
  plan) plan ;;
  prepare) prepare ;;
  *) echo "usage: kerntop-kernel-headers plan|prepare" >&2; exit 3 ;;
esac
