// The house's layering, checked by `npm test` (test/unit/layering.test.ts). Rooms from the bottom up;
// a room may import its own files and the rooms below it, never one above:
//
//   knowledge     tables of what the kernel can say (Xid catalog, log formats, drop reasons, advice)
//   events        the event vocabulary (src/events.ts and its schemas)
//   platform      process plumbing every room may use (src/lifecycle.ts)
//   store         pure reducers and selectors: no I/O
//   sources       bpftrace, kmsg, replay: turn the outside world into events
//   jobs          long actions (boot test, vmcore report)
//   report        quiet summary text and JSON, metrics exposition
//   fleet         the fleet view's PromQL client and row model (reads the exporter's metric names)
//   ui            the Ink interface
//   cli           commands: wire sources, store and views together
//
// Sibling sources (bpftrace, kmsg, replay) do not import each other, nor do sibling jobs.
const rooms = [
  ['knowledge', '^src/knowledge/'],
  ['events', '^src/events(\\.ts|/)'],
  ['platform', '^src/lifecycle\\.ts$'],
  ['store', '^src/store/'],
  ['sources', '^src/sources/'],
  ['jobs', '^src/jobs/'],
  ['report', '^src/(report|exporter)/'],
  ['fleet', '^src/fleet/'],
  ['ui', '^src/ui/'],
  ['cli', '^src/cli/'],
];

const upward = rooms.slice(0, -1).map(([name, path], i) => ({
  name: `no-upward-from-${name}`,
  comment: `${name} may import only the rooms below it`,
  severity: 'error',
  from: { path },
  to: {
    path: rooms
      .slice(i + 1)
      .map(([, p]) => p)
      .join('|'),
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'a cycle makes two modules one: cut it',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upward,
    {
      name: 'no-sibling-sources',
      comment: 'each source stands alone; shared formats belong to knowledge or events',
      severity: 'error',
      from: { path: '^src/sources/([^/]+)/' },
      to: { path: '^src/sources/([^/]+)/', pathNot: '^src/sources/$1/' },
    },
    {
      name: 'no-sibling-jobs',
      comment: 'each job stands alone; what they share belongs to src/jobs/*.ts or a room below',
      severity: 'error',
      from: { path: '^src/jobs/([^/]+)/' },
      to: { path: '^src/jobs/([^/]+)/', pathNot: '^src/jobs/$1/' },
    },
    {
      name: 'not-to-dev-deps',
      comment: 'run-time code may not need a dev dependency',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], pathNot: 'node_modules/@types/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['es6'],
  },
};
