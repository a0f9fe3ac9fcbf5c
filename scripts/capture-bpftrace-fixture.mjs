#!/usr/bin/env node
// Recaptures fixtures/bpftrace/all-families-0.17.{bt,jsonl}: composes every family (vfs by syscall
// tracepoints, the strategy that runs without kprobes or kfunc), runs it under real bpftrace for about
// 5 s while a small workload runs (file reads and writes by dd, a comm that appears part-way, UDP to a
// closed port), then stops bpftrace with SIGINT. Needs root and a built dist/ (npx tsc -p tsconfig.json).
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_THRESHOLDS } from '../dist/events.js';
import { CATALOG } from '../dist/sources/bpftrace/catalog.js';
import { bpftraceArgv, compose } from '../dist/sources/bpftrace/compose.js';

const out = new URL('../fixtures/bpftrace/', import.meta.url).pathname;
const pick = { vfs: 'vfs.syscall.bt' };
const chosen = CATALOG.map((c) => ({
  family: c.family,
  strategy: c.strategies.find((s) => s.script === pick[c.family]) ?? c.strategies[0],
}));
const { program } = compose(chosen, { thresholds: DEFAULT_THRESHOLDS, events_per_s: 50, kerntop_pid: process.pid });
writeFileSync(join(out, 'all-families-0.17.bt'), program);

const dir = mkdtempSync('/tmp/kerntop-capture-');
const argv = bpftraceArgv('bpftrace', join(out, 'all-families-0.17.bt'));
const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
let text = '';
child.stdout.setEncoding('utf8').on('data', (c) => (text += c));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
while (!text.includes('READY')) await sleep(50);
execFileSync('dd', ['if=/dev/zero', `of=${dir}/src`, 'bs=512', 'count=4000'], { stdio: 'ignore' });
await sleep(1500);
// A comm that first reads in a later second: its key appears part-way through the running totals.
copyFileSync('/bin/dd', `${dir}/ktcapdd`);
execFileSync(`${dir}/ktcapdd`, [`if=${dir}/src`, `of=${dir}/dst`, 'bs=512'], { stdio: 'ignore' });
execFileSync('python3', [
  '-c',
  'import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\nfor i in range(20): s.sendto(b"x",("127.0.0.1",9))',
]);
await sleep(2500);
child.kill('SIGINT');
await new Promise((r) => child.once('close', r));
rmSync(dir, { recursive: true, force: true });
writeFileSync(join(out, 'all-families-0.17.jsonl'), text);
console.log(`${text.split('\n').length} lines`);
