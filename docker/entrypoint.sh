#!/usr/bin/env bash
# Container entry point: make the kernel's tracing interfaces reachable, make sure bpftrace can
# compile against this kernel (BTF, or headers when the kernel has no BTF), then run the command
# (by default `sleep infinity`: users come in with `docker exec -it kerntop kerntop`).
set -uo pipefail

state_dir=${KERNTOP_STATE_DIR:-/run/kerntop}
mkdir -p "$state_dir"

log() { printf 'kerntop-entrypoint: %s\n' "$*" >&2; }

# tracefs and debugfs: compose bind-mounts the host's, but a plain `docker run --privileged` gives
# neither, and a host that never mounted them binds an empty sysfs directory. So look at the
# filesystem type, not at whether something is mounted. A second instance is harmless: both are
# kernel-wide singletons.
mount_if_missing() { # fstype dir
  local fstype=$1 dir=$2
  [ -d "$dir" ] || return 0
  [ "$(stat -f -c %T "$dir" 2>/dev/null)" = "$fstype" ] && return 0
  if mount -t "$fstype" "$fstype" "$dir" 2>/dev/null; then
    log "mounted $fstype on $dir"
  else
    log "could not mount $fstype on $dir (is the container privileged?)"
  fi
}
mount_if_missing debugfs /sys/kernel/debug
mount_if_missing tracefs /sys/kernel/tracing

# Headers: a no-op in well under a second when the kernel has BTF. Without BTF it may download
# and prepare a kernel tree; `kerntop` inside the container waits for it and shows its progress.
started=$(date +%s)
/usr/local/sbin/kerntop-kernel-headers prepare </dev/null 2>&1 | tee "$state_dir/headers.log" >&2
log "kernel type information ready in $(( $(date +%s) - started ))s: $(cat "$state_dir/headers.state" 2>/dev/null)"

exec "$@"
