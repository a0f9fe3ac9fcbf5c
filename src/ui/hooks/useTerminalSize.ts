import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

export interface TerminalSize {
  columns: number;
  rows: number;
}

export function readSize(stdout: { columns?: number; rows?: number }): TerminalSize {
  // Non-TTY streams (tests, pipes) have no size: assume a common terminal.
  return { columns: stdout.columns || 100, rows: stdout.rows || 40 };
}

/** {columns, rows} of Ink's stdout, updated on every SIGWINCH ('resize'). Ink 6.8 has no useWindowSize. */
export function useTerminalSize(override?: Partial<TerminalSize>): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => readSize(stdout));
  useEffect(() => {
    const onResize = () => setSize(readSize(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return { columns: override?.columns ?? size.columns, rows: override?.rows ?? size.rows };
}
