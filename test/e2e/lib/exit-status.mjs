// Runs a command in the foreground of the current terminal and writes how it ended to a file, even
// when the terminal hangs up: this wrapper ignores SIGHUP, the command (its signals reset to default by
// spawn) gets it as any program would. Usage: node exit-status.mjs OUT_FILE COMMAND [ARGS...]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const [out, cmd, ...args] = process.argv.slice(2);
process.on('SIGHUP', () => {});
const child = spawn(cmd, args, { stdio: 'inherit' });
writeFileSync(`${out}.pid`, String(child.pid));
child.on('exit', (code, signal) => {
  writeFileSync(out, JSON.stringify({ code, signal }));
  process.exit(0);
});
