export interface CrashReport {
  class: string;
  title: string;
  function: string | null;
  cpu: number | null;
  pid: number | null;
  comm: string | null;
  /** Taint flag letters from the "Tainted:" field, spaces removed ("GW"); null when not tainted or not printed. */
  tainted: string | null;
  /** 1-based input line numbers. */
  start_line: number;
  end_line: number;
  corrupted: boolean;
}

export interface LogLineHit {
  line: number;
  text: string;
  rule?: string;
}

export interface LogAnalysis {
  crashed: boolean;
  type: string | null;
  title: string | null;
  function: string | null;
  reports: CrashReport[];
  errors: LogLineHit[];
  warnings: LogLineHit[];
  counts: Record<string, number>;
  summary: string;
}
