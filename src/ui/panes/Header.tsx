import React, { useRef } from 'react';
import { Text } from 'ink';
import { RECORDER_SOURCE } from '../../sources/replay/format.js';
import type { Snapshot } from '../snapshot.js';
import { fitSegments, type Segment } from '../segments.js';
import { formatClock, formatDuration, truncate } from '../text.js';
import { useTick } from '../hooks/useStoreSnapshot.js';
import { useTheme } from '../theme.js';
import { lastBootAlerts } from './last-boot-alert.js';

export interface HostInfo {
  host: string;
  kernel_release: string;
  /** Host uptime in seconds when live, as read when the screen started; unknown for a replay. */
  uptime_s?: number;
}

/** The host's uptime now: the value read at start plus the wall time since the first frame. */
export function uptimeNow(uptime_s: number, firstWallMs: number, wallMs: number): number {
  return uptime_s + Math.max(0, Math.floor((wallMs - firstWallMs) / 1000));
}

export interface HeaderProps {
  snapshot: Snapshot;
  width: number;
  /** 2 puts the alerts on their own line; 1 folds a count of them into the status line. */
  lines: number;
  paused: boolean;
  /** Events that arrived while paused and are not on screen yet. */
  pending: number;
  host: HostInfo;
  replay?: boolean;
}

/** What the user must not miss: probes that failed, kernel log records lost, unparsable lines, a recording that stopped. */
export function alertsOf(s: Snapshot): string[] {
  const out: string[] = [...lastBootAlerts(s)];
  const failed = s.probes.filter((p) => p.state === 'FAILED').map((p) => p.family);
  if (failed.length > 0) out.push(`probe${failed.length > 1 ? 's' : ''} ${failed.join(', ')} FAILED`);
  if (s.kmsgLost > 0) out.push(`${s.kmsgLost} kmsg record${s.kmsgLost > 1 ? 's' : ''} lost`);
  if (s.parseErrors > 0) out.push(`${s.parseErrors} unparsable line${s.parseErrors > 1 ? 's' : ''}`);
  const recording = [...s.diags].reverse().find((d) => d.source === RECORDER_SOURCE && d.level === 'error');
  if (recording) out.push(recording.message);
  return out;
}

/** Memoised: between snapshots only its own clock re-renders it, not the panes. */
export const Header = React.memo(function Header({
  snapshot: s,
  width,
  lines,
  paused,
  pending,
  host,
  replay: replayProp,
}: HeaderProps) {
  const theme = useTheme();
  const replay = replayProp === true || s.session?.replay === true;
  // The live clock ticks here, not in App, so a second going by redraws the header alone.
  const wallMs = useTick(1000, !replay);
  const alerts = alertsOf(s);
  const hostName = s.session?.host ?? host.host;
  const kernel = s.session?.kernel_release ?? host.kernel_release;
  const firstWallMs = useRef(wallMs).current;
  const segs: Segment[] = [
    { text: 'kerntop', priority: 1, style: theme.accent },
    { text: hostName, priority: 3, style: { bold: true } },
    { text: kernel, priority: 5 },
    ...(host.uptime_s !== undefined && !replay
      ? [{ text: `up ${formatDuration(uptimeNow(host.uptime_s, firstWallMs, wallMs))}`, priority: 6 }]
      : []),
    { text: s.overall, priority: 1, style: theme.status(s.overall) },
    replay
      ? { text: `replay ${formatClock(s.now_ms)}`, priority: 2, style: theme.accent }
      : { text: formatClock(wallMs), priority: 2 },
    { text: `watching ${formatDuration(s.duration_s)}`, priority: 7, style: theme.dim },
    ...(paused
      ? [{ text: pending > 0 ? `PAUSED +${pending}` : 'PAUSED', priority: 1, style: { ...theme.alert, inverse: true } }]
      : []),
    ...(lines < 2 && alerts.length > 0
      ? [{ text: `! ${alerts.length} alert${alerts.length > 1 ? 's' : ''}`, priority: 2, style: theme.alert }]
      : []),
  ];
  const shown = fitSegments(segs, width);
  return (
    <>
      <Text wrap="truncate">
        {shown.map((seg, i) => (
          <React.Fragment key={i}>
            {i > 0 ? '  ' : ''}
            <Text {...seg.style}>{seg.text}</Text>
          </React.Fragment>
        ))}
      </Text>
      {lines >= 2 ? (
        <Text wrap="truncate" {...theme.alert}>
          {truncate(alerts.length > 0 ? `! ${alerts.join(` ${theme.glyphs.dot} `)}` : '', width, theme.glyphs.ellipsis)}
        </Text>
      ) : null}
    </>
  );
});
