import { readFileSync } from 'node:fs';

/**
 * kfree_skb reason names as the running kernel defines them. enum skb_drop_reason is not stable
 * across kernels, so the names come from the tracepoint's own format file:
 *   __print_symbolic(REC->reason, { 2, "NOT_SPECIFIED" }, { 3, "NO_SOCKET" }, ...)
 */
export function parseDropReasons(format: string): Map<number, string> {
  const out = new Map<number, string>();
  const start = format.indexOf('__print_symbolic(REC->reason');
  if (start < 0) return out;
  for (const m of format.slice(start).matchAll(/\{\s*(\d+)\s*,\s*"([A-Z0-9_]+)"\s*\}/g)) out.set(Number(m[1]), m[2]);
  return out;
}

export function readDropReasons(tracefs: string | null): Map<number, string> {
  if (!tracefs) return new Map();
  try {
    return parseDropReasons(readFileSync(`${tracefs}/events/skb/kfree_skb/format`, 'utf8'));
  } catch {
    return new Map();
  }
}

/** TCP states as include/net/tcp_states.h numbers them (stable ABI). */
export const TCP_STATES = [
  '',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
] as const;
