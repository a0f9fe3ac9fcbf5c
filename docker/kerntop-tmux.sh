#!/usr/bin/env bash
# kerntop-tmux [--rt] [kerntop options...]: one tmux window, one kerntop pane per view, for tuning
# thresholds while watching every view at once. Each pane is its own kerntop (and its own bpftrace
# child, about 100 MB each); the options given here go to every pane, e.g.
#   kerntop-tmux --sched-warn 100 --bio-warn 2000
#   kerntop-tmux --rt --cpus 2-3 --noise-warn 50     (real-time tuning: cpus, histogram, events)
# KERNTOP overrides the command (default: kerntop); KERNTOP_TMUX_SESSION the session name.
set -euo pipefail
session=${KERNTOP_TMUX_SESSION:-kerntop}
cmd=${KERNTOP:-kerntop}
layout=all
if [ "${1:-}" = "--rt" ]; then
  layout=rt
  shift
fi
args=$(printf ' %q' "$@")
[ $# -eq 0 ] && args=''

if tmux has-session -t "$session" 2>/dev/null; then
  echo "kerntop-tmux: session '$session' is already running; attach with: tmux attach -t $session" >&2
  exit 3
fi
if [ "$layout" = rt ]; then
  #  +-----------------------+
  #  | cpus (one row per CPU) |
  #  +-----------+-----------+
  #  | hist      | events    |
  # The cpus and events panes run the noise family, the histogram the sched family (run-queue latency
  # of the CPUs given with --cpus).
  tmux new-session -d -s "$session" -x "${COLUMNS:-200}" -y "${LINES:-50}" "$cmd --pane cpus --probes noise --no-kmsg$args"
  tmux split-window -t "$session:0.0" -v -p 45 "$cmd --pane hist --probes sched --no-kmsg$args"
  tmux split-window -t "$session:0.1" -h "$cmd --pane events --probes noise,sched --no-kmsg$args"
  tmux select-pane -t "$session:0.0"
  if [ -t 1 ] && [ -z "${KERNTOP_TMUX_DETACHED:-}" ]; then exec tmux attach -t "$session"; fi
  echo "kerntop-tmux: started detached; attach with: tmux attach -t $session"
  exit 0
fi
#  +-----------+-----------+
#  | summary   | hist      |
#  +-----------+-----------+
#  | events    | kmsg      |
#  +-----------+-----------+
#  | probes (one line per family) |
tmux new-session -d -s "$session" -x "${COLUMNS:-200}" -y "${LINES:-50}" "$cmd --pane summary$args"
tmux split-window -t "$session" -v -l 8 "$cmd --pane probes$args"
tmux select-pane -t "$session:0.0"
tmux split-window -t "$session:0.0" -v "$cmd --pane events$args"
tmux select-pane -t "$session:0.0"
tmux split-window -t "$session:0.0" -h "$cmd --pane hist$args"
tmux select-pane -t "$session:0.2"
tmux split-window -t "$session:0.2" -h "$cmd --pane kmsg$args"
# Ctrl-b & (kill-window) or `tmux kill-session -t kerntop` stops every pane and its probes.
tmux select-pane -t "$session:0.0"
if [ -t 1 ] && [ -z "${KERNTOP_TMUX_DETACHED:-}" ]; then exec tmux attach -t "$session"; fi
echo "kerntop-tmux: started detached; attach with: tmux attach -t $session"
