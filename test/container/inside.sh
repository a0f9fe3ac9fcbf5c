#!/usr/bin/env bash
# Runs inside the built image's filesystem (chroot, host /proc /sys /dev bound in), after the
# image's entry point: what a user gets from `docker exec -it kerntop ...`.
set -uo pipefail
fails=0
ok() { printf 'ok   %s\n' "$*"; }
bad() { printf 'FAIL %s\n' "$*"; fails=$((fails + 1)); }
check() { # label command...
  local label=$1; shift
  local out; if out=$("$@" 2>&1); then ok "$label: $(head -n 1 <<<"$out")"; else bad "$label: $out"; fi
}

state=$(cat /run/kerntop/headers.state 2>/dev/null)
[[ $state == "ready: btf"* ]] && ok "entry point: $state" || bad "entry point state: '$state' (wanted ready: btf)"
[ "$(stat -f -c %T /sys/kernel/tracing)" = tracefs ] && ok "tracefs reachable" || bad "tracefs not mounted"

check "node" node --version
[[ $(node --version) == v20.* ]] || bad "node is not 20.x"
check "bpftrace" bpftrace --version
check "drgn" python3 -c 'import drgn; print("drgn", drgn.__version__)'
check "qemu" qemu-system-x86_64 --version
check "busybox" sh -c 'busybox | head -n 1'
check "tmux" tmux -V
check "util-linux" setpriv --version
# The dpkg filter (docker/dpkg-slim.cfg) left out files; nothing the lab runs may miss a library.
for bin in /usr/bin/bpftrace /usr/bin/qemu-system-x86_64 /usr/local/bin/node /usr/bin/python3 /usr/bin/tmux; do
  missing=$(ldd "$bin" 2>&1 | grep 'not found')
  [ -z "$missing" ] && ok "libraries of $bin" || bad "$bin misses: $missing"
done
# QEMU finds its PC firmware: killed by the timeout (124) while paused, instead of failing to load it.
timeout 3 qemu-system-x86_64 -M pc -nodefaults -display none -S -accel tcg >/tmp/qemu.out 2>&1; qrc=$?
[ "$qrc" = 124 ] && ok "qemu starts a PC machine (firmware present)" || bad "qemu exit $qrc: $(cat /tmp/qemu.out)"
check "kerntop --version" kerntop --version
[ -x /usr/local/bin/kerntop-tmux ] && ok "kerntop-tmux installed" || bad "kerntop-tmux missing"
if help=$(kerntop --help 2>&1) && grep -q 'kerntop' <<<"$help"; then ok "kerntop --help"; else bad "kerntop --help: $help"; fi

# bpftrace from the image against the running kernel: a tracepoint, and a read through
# curtask's struct task_struct, which compiles from BTF alone (the image carries no headers).
out=$(timeout 30 bpftrace -f json -e '
  tracepoint:sched:sched_switch { @switches = count(); @tgid_max = max(curtask->tgid); }
  interval:ms:500 { exit(); }' 2>&1)
if grep -q '"attached_probes"' <<<"$out" && grep -q '"@switches"' <<<"$out" && grep -q '"@tgid_max"' <<<"$out"; then
  ok "bpftrace attached, read task_struct through BTF: $(grep -o '"probes": *[0-9]*' <<<"$out" | head -n 1)"
else
  bad "bpftrace probes: $out"
fi

if timeout 2 head -n 1 /dev/kmsg | grep -q ';'; then ok "/dev/kmsg readable"; else bad "/dev/kmsg not readable"; fi

# Quiet mode: the full path from probes to the JSON summary, once the CLI has it.
qout=$(timeout 60 kerntop -q --duration 3 --json 2>/tmp/kerntop-q.err); qrc=$?
if [ "$qrc" = 3 ] && grep -qi 'unknown argument' /tmp/kerntop-q.err; then
  echo "skip kerntop -q --duration 3 --json: this build has no quiet mode yet"
elif [ "$qrc" -le 2 ] && summary=$(node /opt/kerntop-test/quiet-json.mjs <<<"$qout" 2>&1); then
  ok "kerntop -q --duration 3 --json (exit $qrc): $summary"
else
  bad "kerntop -q --duration 3 --json exit $qrc: $(head -c 2000 /tmp/kerntop-q.err) $(head -c 2000 <<<"$qout")"
fi

exit $(( fails > 0 ))
