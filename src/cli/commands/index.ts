import type { CommandModule } from 'yargs';
import { monitorCommand } from './monitor.js';
import { analyzeDmesgCommand } from './analyze-dmesg.js';
import { probesCommand } from './probes.js';
import { kmsgCommand } from './kmsg.js';
import { xidCommand } from './xid.js';
import { vmcoreReportCommand } from './vmcore-report.js';
import { crashesCommand } from './crashes.js';
import { bootTestCommand } from './boot-test.js';
import { lastBootCommand } from './last-boot.js';
import { exporterCommand } from './exporter.js';
import { fleetCommand } from './fleet.js';

// Every subcommand is one module here; each is a thin shell over a source, a job or the store.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [
  monitorCommand,
  analyzeDmesgCommand,
  probesCommand,
  kmsgCommand,
  xidCommand,
  vmcoreReportCommand,
  crashesCommand,
  bootTestCommand,
  lastBootCommand,
  exporterCommand,
  fleetCommand,
];
