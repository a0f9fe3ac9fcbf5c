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

/**
 * kfree_skb reasons that mean the host is losing traffic it wanted, rather than policy or normal
 * teardown, grouped by what to check. The source raises an event for each; the store's drops rule
 * warns and gives the advice of the reasons seen.
 */
export const TROUBLE_DROP_CAUSES: readonly { reasons: readonly string[]; advice: string }[] = [
  {
    reasons: ['SOCKET_RCVBUFF', 'SOCKET_BACKLOG', 'PROTO_MEM'],
    advice: 'socket buffers overflow: the receiver reads too slowly, or SO_RCVBUF / net.core.rmem_max / tcp_mem are small',
  },
  {
    reasons: ['CPU_BACKLOG', 'QDISC_DROP', 'FULL_RING', 'NOMEM', 'TC_INGRESS', 'XDP'],
    advice: 'queues overflow: check net.core.netdev_max_backlog, qdisc limits, NIC ring sizes (ethtool -g) and memory',
  },
  {
    reasons: ['TCP_CSUM', 'UDP_CSUM', 'IP_CSUM', 'SKB_CSUM'],
    advice: 'bad checksums: check the link, cables and NIC offloads (ethtool -k)',
  },
  {
    reasons: ['DEV_READY', 'PKT_TOO_BIG', 'IP_OUTNOROUTES', 'NEIGH_FAILED', 'NEIGH_QUEUEFULL'],
    advice: 'packets cannot leave: check that the device is up, the MTU, routes and neighbour (ARP/NDP) resolution',
  },
  {
    reasons: ['TCP_OFO_DROP', 'TCP_OFO_QUEUE_PRUNE', 'TCP_RFC7323_PAWS'],
    advice: 'TCP drops segments it cannot queue: check loss and reordering on the path and tcp_rmem',
  },
];

const CAUSE_OF = new Map(TROUBLE_DROP_CAUSES.flatMap((c) => c.reasons.map((r) => [r, c] as const)));

/** Whether a kfree_skb reason name means trouble. */
export const isTroubleDropReason = (reason: string): boolean => CAUSE_OF.has(reason);

/** What to check for these trouble reasons (most important first), each piece of advice once. */
export function troubleDropAdvice(reasons: readonly string[]): string {
  return [...new Set(reasons.map((r) => CAUSE_OF.get(r)?.advice).filter((a): a is string => a !== undefined))].join('; ');
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
