#!/usr/bin/env bash
# `kerntop` on the container's PATH. `docker exec` starts a fresh process that knows nothing of
# what the entry point prepared, so this reads it back: the header paths for bpftrace, and, while
# headers for a kernel without BTF are still being prepared, waits and shows their progress.
state_dir=${KERNTOP_STATE_DIR:-/run/kerntop}
app=${KERNTOP_APP:-/opt/kerntop/bin/kerntop}

wants_kernel=1
for a in "$@"; do
  case $a in -h|--help|--version) wants_kernel=0 ;; esac
done

state() { cat "$state_dir/headers.state" 2>/dev/null; }
if [ "$wants_kernel" = 1 ] && [[ $(state) == preparing* ]]; then
  echo "kerntop: this kernel has no BTF; kernel headers are being prepared (${KERNTOP_WAIT_HINT:-done once per kernel, then cached})." >&2
  echo "kerntop: Ctrl-C stops waiting, not the preparation. Progress:" >&2
  tail -n 5 -f "$state_dir/headers.log" >&2 &
  tailer=$!
  trap 'kill "$tailer" 2>/dev/null; exit 130' INT TERM
  while [[ $(state) == preparing* ]]; do sleep 1; done
  kill "$tailer" 2>/dev/null
  trap - INT TERM
fi
case $(state) in
  failed*) echo "kerntop: $(state)" >&2 ;;
esac
# shellcheck disable=SC1091
[ -r "$state_dir/env" ] && . "$state_dir/env"
exec node "$app" "$@"
