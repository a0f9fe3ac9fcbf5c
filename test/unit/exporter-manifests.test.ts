// deploy/kubernetes validated against the Kubernetes OpenAPI schemas (kubernetes-models) and the
// prometheus-operator CRD schemas (@kubernetes-models/prometheus-operator). Their validators check
// types, required fields and enums; unknown fields (a misspelt key that the API server would drop)
// are found by walking each document against the same packages' TypeScript declarations.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { Namespace, Service } from 'kubernetes-models/v1';
import { DaemonSet } from 'kubernetes-models/apps/v1';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';

const ROOT = join(import.meta.dirname, '..', '..');
const DIR = join(ROOT, 'deploy', 'kubernetes');

type Doc = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string } };
const MODELS: Record<string, { model: new (d: never) => { validate(): void }; types: [module: string, iface: string] }> = {
  'v1/Namespace': { model: Namespace as never, types: ['kubernetes-models/v1/Namespace', 'INamespace'] },
  'v1/Service': { model: Service as never, types: ['kubernetes-models/v1/Service', 'IService'] },
  'apps/v1/DaemonSet': { model: DaemonSet as never, types: ['kubernetes-models/apps/v1/DaemonSet', 'IDaemonSet'] },
  'monitoring.coreos.com/v1/ServiceMonitor': {
    model: ServiceMonitor as never,
    types: ['@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor', 'IServiceMonitor'],
  },
  'monitoring.coreos.com/v1/PrometheusRule': {
    model: PrometheusRule as never,
    types: ['@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule', 'IPrometheusRule'],
  },
};

const kustomization = YAML.parse(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
const docs: Doc[] = kustomization.resources.flatMap((f) =>
  YAML.parseAllDocuments(readFileSync(join(DIR, f), 'utf8')).map((d) => d.toJSON() as Doc),
);
const byKind = (k: string) => docs.filter((d) => d.kind === k);

// One TypeScript program over the declarations of every model used.
const entry = Object.values(MODELS)
  .map(({ types: [m, i] }, n) => `import type { ${i} as T${n} } from '${m}';\nexport type K${n} = T${n};`)
  .join('\n');
const host = ts.createCompilerHost({});
const virtual = join(ROOT, 'test', 'unit', '__manifest-types.ts');
const origGet = host.getSourceFile.bind(host);
host.getSourceFile = (f, lang, ...rest) => (f === virtual ? ts.createSourceFile(f, entry, lang) : origGet(f, lang, ...rest));
host.fileExists = (
  (orig) => (f: string) =>
    f === virtual || orig(f)
)(host.fileExists.bind(host));
const program = ts.createProgram(
  [virtual],
  {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  },
  host,
);
const checker = program.getTypeChecker();
const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(virtual)!)!);

/** Paths of keys the declared type does not have (like kubeconform -strict). */
function unknownFields(value: unknown, type: ts.Type, path: string, out: string[]): void {
  if (value === null || typeof value !== 'object') return;
  const t = checker.getNonNullableType(type);
  const members = t.isUnion() ? t.types.filter((x) => !(x.flags & ts.TypeFlags.Undefined)) : [t];
  const obj = members.find((m) => m.flags & ts.TypeFlags.Object);
  if (!obj) return;
  if (Array.isArray(value)) {
    const el = checker.isArrayType(obj) ? checker.getTypeArguments(obj as ts.TypeReference)[0] : undefined;
    if (el) value.forEach((v, i) => unknownFields(v, el, `${path}[${i}]`, out));
    return;
  }
  if (checker.getIndexInfosOfType(obj).length > 0) return; // a map (labels, matchLabels, annotations)
  for (const [k, v] of Object.entries(value)) {
    const prop = obj.getProperty(k);
    if (!prop) {
      out.push(`${path}.${k}`);
      continue;
    }
    unknownFields(v, checker.getTypeOfSymbol(prop), `${path}.${k}`, out);
  }
}

function check(doc: Doc): string[] {
  const key = `${doc.apiVersion}/${doc.kind}`;
  const m = MODELS[key];
  if (!m) return [`${key}: no schema known to this test`];
  const errs: string[] = [];
  try {
    new m.model(doc as never).validate();
  } catch (e) {
    errs.push((e as Error).message);
  }
  const n = Object.keys(MODELS).indexOf(key);
  const sym = exported.find((s) => s.name === `K${n}`)!;
  const unknown: string[] = [];
  unknownFields(doc, checker.getDeclaredTypeOfSymbol(sym), doc.kind, unknown);
  for (const u of unknown) errs.push(`unknown field ${u}`);
  return errs;
}

describe('deploy/kubernetes', () => {
  it('the kustomization lists every manifest in the directory', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it.each(docs.map((d) => [`${d.kind}/${d.metadata.name}`, d] as const))(
    '%s is valid against its API schema, with no unknown fields',
    (_n, doc) => {
      expect(check(doc)).toEqual([]);
    },
  );

  it('the validation catches a misspelt key and a wrong type', () => {
    const ds = structuredClone(byKind('DaemonSet')[0]) as Doc & {
      spec: { template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } } };
    };
    ds.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    ds.spec.template.spec.hostPID = 'yes';
    const errs = check(ds);
    expect(errs.join('\n')).toMatch(/hostPID must be boolean/);
    expect(errs).toContain('unknown field DaemonSet.spec.template.spec.containers[0].imagePullPolicyy');
    const pr = structuredClone(byKind('PrometheusRule')[0]) as Doc & { spec: { groups: { rules: Record<string, unknown>[] }[] } };
    pr.spec.groups[1].rules[0].forr = '5m';
    expect(check(pr)).toContain('unknown field PrometheusRule.spec.groups[1].rules[0].forr');
  });

  it('the DaemonSet runs the exporter with host PID, read-only BTF, tracefs and /dev/kmsg, a hostPath state directory, limits and GPU tolerations', () => {
    const ds = byKind('DaemonSet')[0] as unknown as {
      spec: {
        template: {
          spec: {
            hostPID: boolean;
            tolerations: { key: string }[];
            volumes: { name: string; hostPath?: { path: string } }[];
            containers: {
              args: string[];
              ports: { name: string; containerPort: number }[];
              resources: { requests: Record<string, string>; limits: Record<string, string> };
              volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
              securityContext: { capabilities: { add: string[] } };
            }[];
          };
        };
      };
    };
    const pod = ds.spec.template.spec;
    const c = pod.containers[0];
    expect(pod.hostPID).toBe(true);
    expect(c.args.slice(0, 2)).toEqual(['kerntop', 'exporter']);
    const mount = (p: string) => c.volumeMounts.find((m) => m.mountPath === p);
    for (const p of ['/sys/kernel/btf', '/sys/kernel/tracing', '/dev/kmsg']) expect(mount(p)?.readOnly, p).toBe(true);
    const state = mount('/var/lib/kerntop')!;
    expect(pod.volumes.find((v) => v.name === state.name)?.hostPath?.path).toBe('/var/lib/kerntop');
    expect(c.args).toContain('/var/lib/kerntop');
    expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(c.resources.limits.memory).toBeDefined();
    expect(pod.tolerations.map((t) => t.key)).toContain('nvidia.com/gpu');
    expect(c.securityContext.capabilities.add).toEqual(expect.arrayContaining(['BPF', 'PERFMON']));
    // The Service and the ServiceMonitor reach the container's port by name.
    const svc = byKind('Service')[0] as unknown as {
      spec: { ports: { name: string; targetPort: string }[]; selector: Record<string, string> };
    };
    const sm = byKind('ServiceMonitor')[0] as unknown as {
      spec: { endpoints: { port: string }[]; selector: { matchLabels: Record<string, string> } };
    };
    expect(c.ports.map((p) => p.name)).toContain(svc.spec.ports[0].targetPort);
    expect(sm.spec.endpoints[0].port).toBe(svc.spec.ports[0].name);
    expect((byKind('Service')[0].metadata as unknown as { labels: Record<string, string> }).labels).toMatchObject(
      sm.spec.selector.matchLabels,
    );
  });
});
