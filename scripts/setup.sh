#!/usr/bin/env bash
# Everything kerntop needs on a Debian 12 host, installed once: system packages, node modules, build.
# Safe to re-run: each step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages, by the command that proves each one is present.
declare -A want=(
  [bpftrace]=bpftrace          # live probes
  [nft]=nftables               # drop/retransmit tests
  [ip]=iproute2
  [losetup]=mount              # loop devices for block tests
  [stress-ng]=stress-ng        # context-switch benchmark load
  [tmux]=tmux                  # terminal UI tests
  [busybox]=busybox-static     # boot-test initramfs
  [qemu-system-x86_64]=qemu-system-x86
  [cpio]=cpio
  [xz]=xz-utils
  [zstd]=zstd
  [setpriv]=util-linux
  [dmesg]=util-linux
  [podman]=podman              # lab image build test (scripts/test-container.sh)
  [debootstrap]=debootstrap
  [cyclictest]=rt-tests        # real-time latency tests and bench (SCHED_FIFO wakeups)
)
missing=()
for cmd in "${!want[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${want[$cmd]}")
done
# drgn is a python module, not a command.
/usr/bin/python3 -c 'import drgn' >/dev/null 2>&1 || missing+=(python3-drgn)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "kerntop setup: missing system packages: ${missing[*]}" >&2
    echo "  install them as root: apt-get install ${missing[*]}" >&2
  elif command -v apt-get >/dev/null 2>&1; then
    mapfile -t uniq < <(printf '%s\n' "${missing[@]}" | sort -u)
    echo "kerntop setup: installing ${uniq[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${uniq[@]}" >&2
  else
    echo "kerntop setup: no apt-get; install these yourself: ${missing[*]}" >&2
  fi
fi

# Node modules: only when package-lock.json changed since the last install.
stamp=node_modules/.kerntop-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error >&2
  cp package-lock.json "$stamp"
fi

# Build when any source is newer than the build.
if [ ! -f dist/cli/main.js ] || [ -n "$(find src -newer dist/cli/main.js -print -quit)" ]; then
  npx tsc -p tsconfig.json >&2
fi
