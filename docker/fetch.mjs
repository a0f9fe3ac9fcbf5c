// HTTP for kerntop-kernel-headers, with Node's own fetch and CA bundle (plus NODE_EXTRA_CA_CERTS),
// so the image needs no curl. Progress goes to stderr as plain lines, one every few seconds: the
// log is replayed by `kerntop` while it waits, where a redrawn bar would be noise.
//
//   node fetch.mjs get URL OUT LABEL [HEADER...]     download to OUT
//   node fetch.mjs json URL EXPR [HEADER...]         print EXPR evaluated on the JSON body as `d`
// HEADER is "Name: value". Exit 1 on any HTTP or network error, with the reason on stderr.
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const [cmd, url, a3, a4, ...rest] = process.argv.slice(2);
const PROGRESS_EVERY_MS = Number(process.env.KERNTOP_PROGRESS_MS ?? 3000);

const headersOf = (list) => {
  const h = new Headers();
  for (const line of list) {
    const i = line.indexOf(':');
    if (i > 0) h.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return h;
};

async function request(headers) {
  const res = await fetch(url, { headers, redirect: 'follow' });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`);
  return res;
}

async function get(out, label, headerLines) {
  const res = await request(headersOf(headerLines));
  const total = Number(res.headers.get('content-length') ?? 0);
  const mb = (n) => (n / 1048576).toFixed(1);
  let done = 0;
  const body = Readable.fromWeb(res.body);
  body.on('data', (chunk) => (done += chunk.length));
  const timer = setInterval(() => {
    process.stderr.write(
      `kerntop-headers:   ${label}: ${mb(done)} MB${total ? ` of ${mb(total)} MB (${Math.floor((100 * done) / total)}%)` : ''}\n`,
    );
  }, PROGRESS_EVERY_MS);
  try {
    await pipeline(body, createWriteStream(out));
  } finally {
    clearInterval(timer);
  }
  process.stderr.write(`kerntop-headers:   ${label}: ${mb(done)} MB done\n`);
}

async function json(expr, headerLines) {
  const d = await (await request(headersOf(headerLines))).json();
  // The expression comes from kernel-headers.sh itself, never from the network.
  const value = new Function('d', `return (${expr});`)(d);
  process.stdout.write(`${value ?? ''}\n`);
}

try {
  if (cmd === 'get' && url && a3 && a4) await get(a3, a4, rest);
  else if (cmd === 'json' && url && a3) await json(a3, [a4, ...rest].filter(Boolean));
  else {
    process.stderr.write('usage: fetch.mjs get URL OUT LABEL [HEADER...] | json URL EXPR [HEADER...]\n');
    process.exit(3);
  }
} catch (err) {
  process.stderr.write(
    `kerntop-headers: ${err instanceof Error ? err.message : String(err)}${err?.cause ? ` (${err.cause.code ?? err.cause.message})` : ''}\n`,
  );
  process.exit(1);
}
