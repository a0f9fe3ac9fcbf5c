// Recordings made before Xid events carried their typed payload (`xid`) wrote its facts as flat
// `fields` (xid, pci, uuid, name, class, action, action_code, message, seq, ts_us). They still replay:
// the payload is rebuilt from those fields, with the catalog filling what an old line left out.
import type { KerntopEvent } from '../../events.js';
import { XID_ACTION_CODES, XID_CLASSES, xidInfo, type XidActionCode, type XidClass } from '../../knowledge/xid/catalog.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The event as this kerntop writes it: an old-form Xid event gains its typed payload. */
export function upgradeEvent(ev: KerntopEvent): KerntopEvent {
  if (ev.type !== 'kernel.event' || ev.source !== 'xid' || ev.xid !== undefined || !ev.fields) return ev;
  const f = ev.fields;
  const code = num(f.xid);
  if (code === undefined) return ev;
  const info = xidInfo(code);
  const cls = str(f.class);
  const actionCode = str(f.action_code);
  const uuid = str(f.uuid);
  return {
    ...ev,
    xid: {
      xid: code,
      gpu: { pci: str(f.pci) ?? null, ...(uuid ? { uuid } : {}) },
      pid: ev.pid ?? null,
      process: ev.comm ?? null,
      message: str(f.message) ?? '',
      name: str(f.name) ?? info.name,
      class: cls && (XID_CLASSES as readonly string[]).includes(cls) ? (cls as XidClass) : info.class,
      severity: ev.severity,
      action: str(f.action) ?? info.advice,
      action_code:
        actionCode && (XID_ACTION_CODES as readonly string[]).includes(actionCode) ? (actionCode as XidActionCode) : info.action,
      seq: num(f.seq) ?? 0,
      ts_us: num(f.ts_us) ?? 0,
      time_ms: ev.ts_ms,
      form: 'xid',
    },
  };
}
