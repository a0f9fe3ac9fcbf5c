#!/usr/bin/env bash
# Everything kerntop needs on a Debian 12 host, installed once: system packages, node modules, build.
# Safe to re-run: each step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# Two sets of Debian packages, each keyed by the command that proves it is present:
#   run   what kerntop itself needs, its boot-test and vmcore jobs included (npm start)
#   test  what the test suite adds on top: workloads, terminals, containers (npm test: --test)
declare -A run_set=(
  [bpftrace]=bpftrace          # live probes
  [setpriv]=util-linux         # children die with kerntop (--pdeathsig)
  [dmesg]=util-linux           # kernel-log fallback when /dev/kmsg is refused
  [busybox]=busybox-static     # boot-test initramfs
  [qemu-system-x86_64]=qemu-system-x86
  [cpio]=cpio
  [xz]=xz-utils
  [zstd]=zstd
)
declare -A test_set=(
  [nft]=nftables               # drop/retransmit tests
  [ip]=iproute2                # network namespaces
  [losetup]=mount              # loop devices for block tests
  [stress-ng]=stress-ng        # context-switch benchmark load
  [tmux]=tmux                  # terminal UI tests
  [htop]=htop                  # reference for the idle-screen CPU benchmark (bench/tui.ts)
  [script]=bsdutils            # tests of what a terminal receives
  [/usr/bin/time]=time         # peak RSS in bench/xid-input-memory.ts
  [podman]=podman              # lab image build test (scripts/test-container.sh)
  [debootstrap]=debootstrap
  [prometheus]=prometheus      # exporter tests: a real Prometheus server, and promtool
  [prometheus-node-exporter]=prometheus-node-exporter  # exporter benchmark reference
  [openssl]=openssl            # exporter TLS tests: a throw-away certificate
  [cyclictest]=rt-tests        # real-time latency tests and bench (SCHED_FIFO wakeups)
  [/lib/systemd/systemd-journal-remote]=systemd-journal-remote  # last-boot tests: a real binary journal
)
sets=run
[ "${1:-}" = "--test" ] && sets="run and test"

missing=()
for cmd in "${!run_set[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${run_set[$cmd]}")
done
# drgn is a python module, not a command.
/usr/bin/python3 -c 'import drgn' >/dev/null 2>&1 || missing+=(python3-drgn)
if [ "${1:-}" = "--test" ]; then
  for cmd in "${!test_set[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("${test_set[$cmd]}")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t uniq < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [ "$(id -u)" -ne 0 ]; then
    echo "kerntop setup ($sets set): missing system packages: ${uniq[*]}" >&2
    echo "  install them as root: apt-get install ${uniq[*]}" >&2
  elif command -v apt-get >/dev/null 2>&1; then
    echo "kerntop setup ($sets set): installing ${uniq[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    # Debian's prometheus packages start their services on install (ports 9090, 9100). kerntop's
    # tests start their own on free ports: keep the packaged daemons from starting at all.
    own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d && own_policy=1
    fi
    rc=0
    apt-get install -y -qq --no-install-recommends "${uniq[@]}" >&2 || rc=$?
    if [ -n "$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
    if [ "$rc" -ne 0 ]; then exit "$rc"; fi
  else
    echo "kerntop setup ($sets set): no apt-get; install these yourself: ${uniq[*]}" >&2
  fi
fi

# On a systemd host the units may still be enabled (or were before): stop and disable them.
if [ "$(id -u)" -eq 0 ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  for unit in prometheus prometheus-node-exporter; do
    if systemctl is-enabled --quiet "$unit" 2>/dev/null || systemctl is-active --quiet "$unit" 2>/dev/null; then
      systemctl disable --now "$unit" >&2 || true
    fi
  done
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
