import type { XidKernelEvent } from '../../events.js';
import { gpuLabel, type XidEvent } from '../../knowledge/xid/tracker.js';

/**
 * The Xid as a store event: it counts in the summary's "xid" row, and the Xid slice of the store folds
 * it per GPU and Xid from its payload (ev.xid, the tracker's own object).
 */
export function xidToKernelEvent(x: XidEvent, now_ms = Date.now()): XidKernelEvent {
  const k: XidKernelEvent = {
    type: 'kernel.event',
    ts_ms: x.time_ms ?? now_ms,
    source: 'xid',
    subsystem: 'xid',
    severity: x.severity,
    title: `Xid ${x.xid} on GPU ${gpuLabel(x.gpu)}: ${x.name}`,
    xid: x,
  };
  if (typeof x.pid === 'number') k.pid = x.pid;
  if (x.process) k.comm = x.process;
  return k;
}
