// One series' value as a metric family collects it: labels, value, and for histograms the suffix.
export interface Sample {
  labels?: Record<string, string>;
  value: number;
  /** Only for histograms: the series suffix (_bucket, _count). */
  suffix?: '_bucket' | '_count';
}
