import type { SessionInfoEvent, Thresholds } from '../../events.js';

/** First line of a recording. Bump RECORDING_VERSION when an event changes shape incompatibly. */
export const RECORDING_VERSION = 1;

/** The source name of the recorder's own diagnostics (the header shows an error of it as an alert). */
export const RECORDER_SOURCE = 'record';

export interface RecordingHeader {
  kerntop_recording: number;
  host: string;
  kernel_release: string;
  /** Wall-clock ms when recording started. */
  start_ms: number;
  start: string;
  thresholds: Thresholds;
  /** Probe families asked for, as given to --probes (absent: the default set). */
  probes?: string[];
}

export function isHeader(v: unknown): v is RecordingHeader {
  return !!v && typeof v === 'object' && typeof (v as RecordingHeader).kerntop_recording === 'number';
}

/** The session event a replay starts with: the recording's header, marked as a replay. */
export function sessionEvent(h: RecordingHeader): SessionInfoEvent {
  return {
    type: 'session.info',
    ts_ms: h.start_ms,
    host: h.host,
    kernel_release: h.kernel_release,
    thresholds: h.thresholds,
    replay: true,
  };
}
