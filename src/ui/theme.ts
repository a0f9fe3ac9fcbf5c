import { createContext, useContext } from 'react';
import type { Severity, Status } from '../events.js';

// Colours and glyphs in one place. With NO_COLOR every colour is dropped and emphasis is carried by
// bold/inverse only; on terminals that cannot show Unicode (tmux without a UTF-8 locale, as inside
// many `docker exec` shells, turns it into underscores) the glyphs fall back to ASCII.

export interface Style {
  color?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
}

export interface Glyphs {
  rule: string;
  vrule: string;
  bar: string;
  /** Partial bar cells from 1/8 to 7/8; empty when only whole cells can be drawn. */
  partials: string[];
  marker: string;
  ellipsis: string;
  dot: string;
}

export interface Theme {
  color: boolean;
  glyphs: Glyphs;
  status(s: Status): Style;
  severity(s: Severity): Style;
  /** printk level 0 (emerg) .. 7 (debug). */
  kmsgLevel(level: number): Style;
  probeState(s: string): Style;
  title(focused: boolean): Style;
  dim: Style;
  accent: Style;
  alert: Style;
}

const UNICODE: Glyphs = {
  rule: '─',
  vrule: '│',
  bar: '█',
  partials: ['▏', '▎', '▍', '▌', '▋', '▊', '▉'],
  marker: '◀',
  ellipsis: '…',
  dot: '·',
};
const ASCII: Glyphs = { rule: '-', vrule: '|', bar: '#', partials: [], marker: '<', ellipsis: '~', dot: '-' };

export function makeTheme(opts: { color: boolean; unicode: boolean }): Theme {
  const c = (color: string, extra: Style = {}): Style => (opts.color ? { color, ...extra } : extra);
  return {
    color: opts.color,
    glyphs: opts.unicode ? UNICODE : ASCII,
    status: (s) =>
      s === 'CRITICAL'
        ? c('red', { bold: true, inverse: !opts.color })
        : s === 'WARNING'
          ? c('yellow', { bold: true })
          : c('green'),
    severity: (s) =>
      s === 'critical' ? c('red', { bold: true }) : s === 'warning' ? c('yellow') : opts.color ? {} : { dim: true },
    kmsgLevel: (l) => (l <= 3 ? c('red', { bold: l <= 2 }) : l === 4 ? c('yellow') : l >= 7 ? { dim: true } : {}),
    probeState: (s) =>
      s === 'FAILED' || s === 'STALLED'
        ? c('red', { bold: true })
        : s === 'ATTACHED'
          ? c('green')
          : s === 'STARTING'
            ? c('cyan')
            : { dim: true },
    title: (focused) => (focused ? c('cyan', { bold: true, inverse: !opts.color }) : { bold: true }),
    dim: { dim: true },
    accent: c('cyan', { bold: !opts.color }),
    alert: c('red', { bold: true }),
  };
}

/** NO_COLOR (any non-empty value, https://no-color.org) wins over everything else. */
export function colorWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return true;
}

/**
 * Unicode glyphs unless KERNTOP_ASCII=1, TERM is dumb/vt100, or we run inside tmux/screen without a
 * UTF-8 locale (tmux then draws every non-ASCII cell as '_').
 */
export function unicodeWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.KERNTOP_ASCII === '1') return false;
  if (env.KERNTOP_ASCII === '0') return true;
  const term = env.TERM ?? '';
  if (term === 'dumb' || term.startsWith('vt')) return false;
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  const utf8 = /utf-?8/i.test(locale);
  const multiplexed = Boolean(env.TMUX) || Boolean(env.STY) || /^(screen|tmux)/.test(term);
  return utf8 || !multiplexed;
}

export function themeFromEnv(env: NodeJS.ProcessEnv = process.env): Theme {
  return makeTheme({ color: colorWanted(env), unicode: unicodeWanted(env) });
}

export const ThemeContext = createContext<Theme>(makeTheme({ color: true, unicode: true }));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
