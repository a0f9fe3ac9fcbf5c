import React from 'react';
import { Text, useInput, type Key } from 'ink';
import type { BootTestOptions } from '../../../jobs/boot-test/job.js';
import type { BootTestResult } from '../../../jobs/boot-test/result.js';
import { splitKeys, TextField, TEXT_KEYS_HINT } from '../../components/TextField.js';
import { type JobRunner, useJob } from '../../hooks/useJob.js';
import { useLiveState } from '../../hooks/useLiveState.js';
import { useTick } from '../../hooks/useStoreSnapshot.js';
import { labelledRows, toneStyle, type Tone, wrapCells } from '../../labelled-rows.js';
import { keyMove, offsetMove } from '../../scroll.js';
import { fit, formatDuration, sanitize, truncate } from '../../text.js';
import { useTheme, type Style } from '../../theme.js';
import type { ModalProps } from '../types.js';
import { FIELDS, formKey, initialForm, type FormState } from './form.js';
import { resultLines, verdict } from './result-lines.js';

// The `b` window: a form, the console of the booting kernel as it comes, then the verdict. The job
// is the one `kerntop boot-test` runs; closing the window (Esc) cancels it, which kills the VM.

export type BootTestRunner = JobRunner<BootTestOptions, BootTestResult>;

/** Loaded on first use, as the CLI does: the job and the log classifier are not needed to start kerntop. */
export const runBootTestJob: BootTestRunner = async (opts, hooks) =>
  (await import('../../../jobs/boot-test/job.js')).runBootTest(opts, hooks);

export interface BootTestModalProps extends ModalProps {
  /** The job; tests pass one that replays a recorded run. */
  runJob?: BootTestRunner;
}

const LABEL_W = Math.max(...FIELDS.map((f) => f.label.length));

export function BootTestModal({ width, height, runJob = runBootTestJob }: BootTestModalProps) {
  const theme = useTheme();
  const g = theme.glyphs;
  // Keys can come faster than a render (a paste, tmux send-keys): every key reads the latest form.
  const [view, getView, setView] = useLiveState<{ form: FormState; resultOffset: number }>(() => ({
    form: { form: initialForm(), focus: 0, error: null },
    resultOffset: 0,
  }));
  const job = useJob(runJob, { name: 'boot-test' });
  const { run } = job;
  const busy = run.phase === 'running' || run.phase === 'cancelling';
  const now = useTick(1000, busy);
  const room = Math.max(1, height - 1);

  // Result view: the verdict, the findings (long values on several rows), the key line.
  const found = run.result ? resultLines(run.result).map((l) => ({ ...l, value: sanitize(l.value) })) : [];
  const labelW = found.length ? Math.max(...found.map((l) => l.label.length)) : 0;
  const lines = labelledRows(found, Math.max(1, width - labelW - 2), 4, g.ellipsis);
  const resultRoom = Math.max(1, room - 2);

  const onKey = (input: string, key: Key): void => {
    const phase = job.current().phase;
    if (phase === 'running' || phase === 'cancelling') {
      if (key.escape) job.cancel();
      return;
    }
    if (phase === 'idle') {
      const a = formKey(getView().form, input, key);
      if (a.kind === 'edit') setView({ form: a.state });
      else if (a.kind === 'start') {
        setView({ resultOffset: 0 });
        job.start(a.options);
      }
      return;
    }
    // A verdict or an error on screen: Enter goes back to the form (kept as it was), arrows scroll.
    if (key.return) return job.reset();
    const move = keyMove(key);
    if (move) setView((v) => ({ ...v, resultOffset: offsetMove(v.resultOffset, lines.length, resultRoom, move) }));
  };

  useInput((input, key) => {
    for (const [i, k] of splitKeys(input, key)) onKey(i, k);
  });

  const out: React.ReactNode[] = [];
  const line = (text: string, style: Style = {}, k: string | number = out.length) =>
    out.push(
      <Text key={k} wrap="truncate" {...style}>
        {truncate(sanitize(text), width, g.ellipsis)}
      </Text>,
    );

  if (run.phase === 'idle') {
    const f = view.form;
    // The path takes what is left once the hints have about 30 cells.
    const pathW = Math.max(12, Math.min(72, width - LABEL_W - 6 - 32));
    FIELDS.forEach((field, i) => {
      const focused = i === f.focus;
      const mark = focused ? '>' : ' ';
      const ignored = field.name === 'kernel' && f.form.hostKernel;
      const valueW = field.kind === 'toggle' ? 1 : field.size || pathW;
      const value =
        field.kind === 'toggle' ? (
          <Text {...(focused ? { bold: true } : {})}>{f.form.hostKernel ? '[x]' : '[ ]'}</Text>
        ) : (
          <TextField
            value={f.form[field.name as 'kernel' | 'memory' | 'cpus' | 'timeout']}
            width={valueW}
            focused={focused}
            style={ignored ? theme.dim : undefined}
          />
        );
      const hint = ignored ? 'ignored: Host kernel is on' : field.hint;
      out.push(
        <Text key={`f${i}`} wrap="truncate">
          <Text {...(focused ? theme.accent : {})}>{`${mark} ${fit(field.label, LABEL_W)}  `}</Text>
          {value}
          <Text dimColor>{truncate(`  ${hint}`, Math.max(0, width - LABEL_W - 4 - (valueW + 2)), g.ellipsis)}</Text>
        </Text>,
      );
    });
    line(' ');
    if (f.error) line(f.error, theme.alert);
    line(`Enter start  Tab/Up/Down move  Space toggles  ${TEXT_KEYS_HINT}  Esc closes`, theme.dim);
  } else if (busy) {
    const secs = formatDuration(Math.max(0, now - run.started_ms) / 1000);
    const what = run.phase === 'cancelling' ? 'cancelling: stopping the VM' : run.status || 'starting';
    out.push(
      <Text key="status" wrap="truncate">
        <Text {...theme.accent}>{truncate(sanitize(what), Math.max(1, width - 24), g.ellipsis)}</Text>
        <Text dimColor>{`  ${secs}  Esc cancels`}</Text>
      </Text>,
    );
    for (const l of run.tail.slice(-Math.max(0, room - 1))) {
      line(l.text, l.stage === 'console' ? {} : theme.dim, `t${l.id}`);
    }
  } else if (run.result) {
    const r = run.result;
    const v = run.phase === 'cancelled' ? { text: 'CANCELLED', tone: 'warn' as Tone } : verdict(r);
    out.push(
      <Text key="verdict" wrap="truncate">
        <Text {...toneStyle(theme, v.tone)}>{v.text}</Text>
        <Text>{truncate(`  ${r.kernel.image}`, Math.max(0, width - v.text.length), g.ellipsis)}</Text>
      </Text>,
    );
    const top = view.resultOffset;
    for (const [i, l] of lines.slice(top, top + resultRoom).entries()) {
      out.push(
        <Text key={`r${i + top}`} wrap="truncate">
          <Text dimColor>{`${fit(l.label, labelW)}  `}</Text>
          <Text {...toneStyle(theme, l.tone)}>{truncate(sanitize(l.value), Math.max(0, width - labelW - 2), g.ellipsis)}</Text>
        </Text>,
      );
    }
    const more = lines.length > resultRoom ? '  Up/Down scroll' : '';
    line(`Enter new test${more}  Esc closes`, theme.dim);
  } else {
    // Could not run (no kernel there, no QEMU...) or cancelled before a result: the job's own words.
    const why =
      run.phase === 'cancelled'
        ? ['cancelled: the VM was stopped']
        : wrapCells(sanitize(`could not run: ${run.error ?? 'unknown error'}`), width, 4, g.ellipsis);
    why.forEach((w, i) => line(w, run.phase === 'cancelled' ? theme.status('WARNING') : theme.alert, `why${i}`));
    for (const l of run.tail.slice(-Math.max(0, room - 2 - why.length))) line(l.text, theme.dim, `t${l.id}`);
    line('Enter back to the form  Esc closes', theme.dim);
  }
  return <>{out}</>;
}
