import type { CommandModule } from 'yargs';
import { isStopSignal, onShutdown, signalExitCode } from '../../lifecycle.js';
import { ARCH_NAMES } from '../../jobs/boot-test/arch.js';
import { DEFAULTS } from '../../jobs/boot-test/defaults.js';
import { BootTestSetupError } from '../../jobs/boot-test/errors.js';
import { bootTestExitCode, type BootTestResult, summarize } from '../../jobs/boot-test/result.js';
import { createSpinner } from '../../jobs/boot-test/spinner.js';

interface BootTestArgs {
  kernel?: string;
  'host-kernel'?: boolean;
  memory: string;
  cpus: number;
  timeout: number;
  arch?: string;
  runner: 'auto' | 'vng' | 'qemu';
  accel: 'auto' | 'kvm' | 'tcg';
  append?: string;
  exec?: string;
  'keep-log'?: string;
  json: boolean;
}

function printHuman(r: BootTestResult): void {
  const out: string[] = [];
  const code = bootTestExitCode(r);
  const verdict = !r.success || code === 2 ? 'FAIL' : code === 1 ? 'PASS with errors/warnings' : 'PASS';
  out.push(`boot-test ${verdict}: ${summarize(r)}`);
  if (r.analysis.crashed || r.analysis.title)
    out.push(`  first problem: ${r.analysis.title}${r.analysis.function ? ` (in ${r.analysis.function})` : ''}`);
  const noise = new Set(r.emulation_noise.map((h) => h.line));
  const errors = r.analysis.errors.filter((h) => !noise.has(h.line));
  const warnings = r.analysis.warnings.filter((h) => !noise.has(h.line));
  for (const e of errors.slice(0, 5)) out.push(`  error (line ${e.line}): ${e.text}`);
  for (const w of warnings.slice(0, 5)) out.push(`  warning (line ${w.line}): ${w.text}`);
  const more = errors.length + warnings.length - Math.min(5, errors.length) - Math.min(5, warnings.length);
  if (more > 0) out.push(`  ... ${more} more (see the log or --json)`);
  for (const n of r.notes) out.push(`  note: ${n}`);
  out.push(`  console log: ${r.log_path}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

export const bootTestCommand: CommandModule<object, BootTestArgs> = {
  command: 'boot-test',
  describe: 'boot a kernel in a VM (virtme-ng or QEMU) and judge its console: panics, oopses, errors, warnings',
  builder: (y) =>
    y
      .option('kernel', { type: 'string', describe: 'kernel source tree (built) or image file (bzImage, Image, vmlinuz)' })
      .option('host-kernel', { type: 'boolean', describe: 'boot /boot/vmlinuz-$(uname -r)' })
      .option('memory', { type: 'string', default: DEFAULTS.memory, describe: 'guest memory (512M, 2G)' })
      .option('cpus', { type: 'number', default: DEFAULTS.cpus, describe: 'guest CPUs' })
      .option('timeout', {
        type: 'number',
        default: DEFAULTS.timeout_s,
        describe: 'seconds before the VM is killed and the run counts as a timeout',
      })
      .option('arch', {
        type: 'string',
        describe: `guest architecture (${ARCH_NAMES.join(', ')}); default: what the kernel is built for`,
      })
      .option('runner', {
        choices: ['auto', 'vng', 'qemu'] as const,
        default: 'auto' as const,
        describe: 'auto: vng when installed, else plain QEMU',
      })
      .option('accel', {
        choices: ['auto', 'kvm', 'tcg'] as const,
        default: 'auto' as const,
        describe: 'auto: KVM when a probe boot shows it works here (cached), else TCG',
      })
      .option('append', { type: 'string', describe: 'extra kernel command-line arguments' })
      .option('exec', {
        type: 'string',
        describe: 'shell command to run in the guest once it is up (default: none, just power off)',
      })
      .option('keep-log', { type: 'string', describe: 'write the cleaned console log to FILE' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' })
      .check((a) => {
        if (!a.kernel && !a['host-kernel']) throw new Error('give --kernel PATH or --host-kernel');
        return true;
      })
      .example('kerntop boot-test --kernel ~/linux', 'boot a built tree (arch/x86/boot/bzImage)')
      .example('kerntop boot-test --kernel vmlinuz --exec "cat /proc/cmdline" --json', 'run a command in the guest, JSON verdict')
      .example('kerntop boot-test --kernel ~/linux-arm64 --arch arm64', 'a cross-compiled kernel under qemu-system-aarch64')
      .epilog(
        'Exit codes: 0 clean boot, 1 booted with errors or warnings, 2 panic/oops or did not boot, 3 could not run.',
      ) as never,
  handler: async (argv) => {
    const ac = new AbortController();
    let job: Promise<unknown> | undefined;
    const spinner = createSpinner(process.stderr);
    // Conventional 128+N for the signal that cancelled the run.
    let cancelCode = 130;
    onShutdown(async (why) => {
      cancelCode = isStopSignal(why) ? signalExitCode(why) : 3;
      ac.abort();
      spinner.stop();
      await job?.catch(() => undefined);
    });
    let code: number;
    try {
      // Loaded here, not at the top: every other kerntop command would pay for the job and the classifier.
      const { runBootTest } = await import('../../jobs/boot-test/job.js');
      job = runBootTest(
        {
          kernel: argv.kernel,
          hostKernel: argv['host-kernel'],
          memory: argv.memory,
          cpus: argv.cpus,
          timeout_s: argv.timeout,
          arch: argv.arch,
          runner: argv.runner,
          accel: argv.accel,
          append: argv.append,
          exec: argv.exec,
          keepLog: argv['keep-log'],
        },
        {
          signal: ac.signal,
          onEvent: (ev) => {
            if (ev.type !== 'job.progress') return;
            if (ev.stage === 'console') spinner.addLine(ev.message);
            else spinner.setStatus(ev.message);
          },
        },
      );
      const r = (await job) as BootTestResult;
      spinner.stop();
      if (argv.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else printHuman(r);
      code = r.cancelled ? cancelCode : bootTestExitCode(r);
    } catch (e) {
      spinner.stop();
      const msg = e instanceof Error ? e.message : String(e);
      if (argv.json) process.stdout.write(`${JSON.stringify({ success: false, error: msg }, null, 2)}\n`);
      process.stderr.write(`kerntop boot-test: ${msg}\n`);
      if (!(e instanceof BootTestSetupError) && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
      code = 3;
    }
    process.exit(code);
  },
};
