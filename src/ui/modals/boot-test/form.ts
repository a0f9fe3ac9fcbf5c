import type { Key } from 'ink';
import type { BootTestOptions } from '../../../jobs/boot-test/job.js';
import { DEFAULTS } from '../../../jobs/boot-test/defaults.js';
import { editText } from '../../components/TextField.js';

// The boot-test form as data: its fields, what each key does to them, and the job options they make.
// Pure, so the key flow is tested without a terminal.

export type FieldName = 'kernel' | 'hostKernel' | 'memory' | 'cpus' | 'timeout';

export interface BootForm {
  kernel: string;
  hostKernel: boolean;
  memory: string;
  cpus: string;
  timeout: string;
}

export interface FieldSpec {
  name: FieldName;
  label: string;
  kind: 'text' | 'toggle';
  hint: string;
  /** Cells of the value box; 0 takes what the hints leave (the path). */
  size: number;
}

export const FIELDS: readonly FieldSpec[] = [
  { name: 'kernel', label: 'Kernel', kind: 'text', hint: 'image file (bzImage, vmlinuz) or built source tree', size: 0 },
  { name: 'hostKernel', label: 'Host kernel', kind: 'toggle', hint: 'boot /boot/vmlinuz-$(uname -r) instead', size: 3 },
  { name: 'memory', label: 'Memory', kind: 'text', hint: 'guest memory: 512M, 2G', size: 10 },
  { name: 'cpus', label: 'CPUs', kind: 'text', hint: 'guest CPUs', size: 10 },
  { name: 'timeout', label: 'Timeout (s)', kind: 'text', hint: 'seconds before the VM is killed', size: 10 },
];

export function initialForm(): BootForm {
  return {
    kernel: '',
    hostKernel: false,
    memory: DEFAULTS.memory,
    cpus: String(DEFAULTS.cpus),
    timeout: String(DEFAULTS.timeout_s),
  };
}

export interface FormState {
  form: BootForm;
  focus: number;
  /** Why the last Enter did not start, until the next edit. */
  error: string | null;
}

export type FormAction = { kind: 'edit'; state: FormState } | { kind: 'start'; options: BootTestOptions } | { kind: 'none' };

/** What the fields ask for, or the first thing wrong with them, said as the fix. With Host kernel on the path is ignored. */
export function formOptions(f: BootForm): { options: BootTestOptions } | { error: string } {
  const kernel = f.kernel.trim();
  if (!f.hostKernel && !kernel) return { error: 'type a kernel path, or turn on Host kernel (Space)' };
  const memory = f.memory.trim();
  // The same sizes the job takes (its validateOptions), checked here so the form says so at once.
  if (!/^\d+(\.\d+)?[KMGT]?$/i.test(memory)) return { error: `memory "${memory}": give a size such as 512M or 2G` };
  const cpus = Number(f.cpus.trim());
  if (!/^\d+$/.test(f.cpus.trim()) || cpus < 1) return { error: `CPUs "${f.cpus.trim()}": give a whole number >= 1` };
  const timeout_s = Number(f.timeout.trim());
  if (!f.timeout.trim() || !Number.isFinite(timeout_s) || timeout_s <= 0)
    return { error: `timeout "${f.timeout.trim()}": give seconds > 0` };
  return { options: { ...(f.hostKernel ? { hostKernel: true } : { kernel }), memory, cpus, timeout_s } };
}

/**
 * One key on the form. Tab/Down and Shift+Tab/Up move between fields, typing edits the focused text
 * field, Space (or Left/Right) flips the toggle, Enter starts from any field.
 */
export function formKey(s: FormState, input: string, key: Key): FormAction {
  const n = FIELDS.length;
  const move = (d: number): FormAction => ({ kind: 'edit', state: { ...s, focus: (s.focus + d + n) % n } });
  if (key.tab) return move(key.shift ? -1 : 1);
  if (key.downArrow) return move(1);
  if (key.upArrow) return move(-1);
  if (key.return) {
    const r = formOptions(s.form);
    return 'error' in r ? { kind: 'edit', state: { ...s, error: r.error } } : { kind: 'start', options: r.options };
  }
  const field = FIELDS[s.focus];
  if (field.kind === 'toggle') {
    if (input === ' ' || key.leftArrow || key.rightArrow) {
      return {
        kind: 'edit',
        state: { ...s, error: null, form: { ...s.form, [field.name]: !s.form[field.name as 'hostKernel'] } },
      };
    }
    return { kind: 'none' };
  }
  const value = s.form[field.name as Exclude<FieldName, 'hostKernel'>];
  const next = editText(value, input, key);
  if (next === null || next === value) return { kind: 'none' };
  return { kind: 'edit', state: { ...s, error: null, form: { ...s.form, [field.name]: next } } };
}
