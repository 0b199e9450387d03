/**
 * What the benchmarks share: the generated workloads (the 5,000-document manifest every bench calls
 * "the big file": 4.06 MiB, about 4.3 MB) and the figures' arithmetic (percentiles, medians, a
 * process's CPU time and peak memory from /proc).
 */
import { existsSync, readFileSync } from 'node:fs';

/** A realistic workload document: labels, probes, env, resources, two containers, a ConfigMap now and then. */
export function workload(i: number): string {
  const name = `svc-${i}`;
  const kind = ['Deployment', 'StatefulSet', 'DaemonSet'][i % 3] as string;
  const image = [`ghcr.io/acme/${name}:1.${i % 50}.0`, `proxy.replicated.com/proxy/acme-platform/ghcr.io/acme/${name}:2.0.${i % 7}`, 'docker.io/library/nginx:1.27', `quay.io/acme/${name}:latest`][i % 4] as string;
  let doc = `---
# ${name}: generated for the lint benchmark
apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: acme
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/version: "1.${i % 50}.0"
spec:
  replicas: ${1 + (i % 3)}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 1000}
      initContainers:
        - name: migrate
          image: "ghcr.io/acme/migrations:2.4.${i % 9}"
          args: ["migrate", "--to", "latest"]
      containers:
        - name: ${name}
          image: ${image}
          imagePullPolicy: IfNotPresent
          ports:
            - containerPort: ${8000 + (i % 100)}
              name: http
          env:
            - {name: LOG_LEVEL, value: info}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: "1", memory: 512Mi}
`;
  if (i % 5 === 0) {
    doc += `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
data:
  config.yaml: |
    image: not-an-image-${i}
    listen: ":8080"
    features: [a, b, c]
`;
  }
  return doc;
}

/** The benchmark manifest: workload documents until there are `documents` of them (5,000: 4.06 MiB, 162,483 lines). */
export function bigManifest(documents = 5_000): string {
  const parts: string[] = [];
  let count = 0;
  for (let i = 0; count < documents; i++) {
    const doc = workload(i);
    parts.push(doc);
    count += i % 5 === 0 ? 2 : 1;
  }
  return parts.join('');
}

/** A Deployment with three images (ghcr.io, ghcr.io, quay.io): the LSP edit benchmark's unit. */
export function deployment(i: number): string {
  return `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: service-${i}
  labels:
    app.kubernetes.io/name: service-${i}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: service-${i}
  template:
    metadata:
      labels:
        app: service-${i}
    spec:
      initContainers:
        - name: migrate
          image: ghcr.io/acme/migrate-${i % 17}:1.${i % 9}.0
      containers:
        - name: app
          image: ghcr.io/acme/service-${i}:2.${i % 13}.${i % 7}
          env:
            - {name: LOG_LEVEL, value: info}
          resources:
            limits: {cpu: 500m, memory: 256Mi}
        - name: sidecar
          image: quay.io/acme/proxy:${i % 5}.0
`;
}

/** Deployments until the text has at least `lines` lines. */
export function manifestOfLines(lines: number): string {
  let text = '';
  for (let i = 0; text.split('\n').length < lines; i++) text += deployment(i);
  return text;
}

export function manifestOfDocuments(documents: number): string {
  const parts: string[] = [];
  for (let i = 0; i < documents; i++) parts.push(deployment(i));
  return parts.join('');
}

/** The p-th percentile (nearest rank) of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export function minimum(values: readonly number[]): number {
  return values.length === 0 ? NaN : Math.min(...values);
}

/** CPU time (user + system) a process has used, in ms (Linux /proc; NaN elsewhere). */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return NaN;
  // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Peak resident memory of a process (VmHWM), in MB. */
export function peakRssMb(pid: number | undefined): number {
  if (pid === undefined || !existsSync(`/proc/${pid}/status`)) return NaN;
  const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return kb / 1024;
}

/** `12.3` right-aligned in `width`. */
export function fixed(value: number, digits = 1, width = 8): string {
  return (Number.isFinite(value) ? value.toFixed(digits) : 'n/a').padStart(width);
}
