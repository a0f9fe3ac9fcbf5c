/**
 * One spelling for a PCI address so the Xid line, other NVRM lines and nvidia-smi can be joined:
 * lowercase `dddd:bb:dd`. Xid lines print `%04x:%02x:%02x` (no function), other NVRM lines add
 * `.f`, NVML prints `00000000:BB:DD.F` (8-digit domain, uppercase). Returns null if it is not one.
 */
export function normalizePci(addr: string): string | null {
  let s = addr.trim();
  if (s.toUpperCase().startsWith('PCI:')) s = s.slice(4);
  const dot = s.indexOf('.');
  if (dot >= 0) {
    if (!/^\.[0-7]$/.test(s.slice(dot))) return null;
    s = s.slice(0, dot);
  }
  const parts = s.split(':');
  if (parts.length === 2) parts.unshift('0');
  if (parts.length !== 3) return null;
  const [dom, bus, dev] = parts;
  if (!/^[0-9a-fA-F]{1,8}$/.test(dom) || !/^[0-9a-fA-F]{1,2}$/.test(bus) || !/^[0-9a-fA-F]{1,2}$/.test(dev)) return null;
  const d = dom.toLowerCase().padStart(4, '0');
  return `${d.slice(-4)}:${bus.toLowerCase().padStart(2, '0')}:${dev.toLowerCase().padStart(2, '0')}`;
}
