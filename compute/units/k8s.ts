/**
 * A Kubernetes Indexed Job that runs `refs compute <proj>` across `completions` pods: each pod gets
 * JOB_COMPLETION_INDEX from Kubernetes and JOB_COMPLETIONS from the manifest, and computes its shard.
 * Returned as YAML text (JSON is valid YAML, and needs no YAML library).
 */
export interface K8sJobOptions {
  project: string;
  image: string;
  /** Pods in total (= shards). */
  completions: number;
  /** Pods at once (default: completions). */
  parallelism?: number;
  cpu?: string;
  memory?: string;
  /** Extra arguments after `refs compute <proj>`, e.g. ["--workdir", "s3://bucket/projects"]. */
  args?: string[];
  env?: Record<string, string>;
  backoffLimitPerIndex?: number;
  name?: string;
}

export function k8sJobManifest(o: K8sJobOptions): string {
  const name = o.name ?? `refs-compute-${o.project.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}`.slice(0, 63);
  const resources = {
    requests: { cpu: o.cpu ?? "1", memory: o.memory ?? "2Gi" },
    limits: { cpu: o.cpu ?? "1", memory: o.memory ?? "2Gi" },
  };
  const env = [
    { name: "JOB_COMPLETIONS", value: String(o.completions) },
    ...Object.entries(o.env ?? {}).map(([k, v]) => ({ name: k, value: v })),
  ];
  const job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, labels: { app: "refs", phase: "compute" } },
    spec: {
      completionMode: "Indexed",
      completions: o.completions,
      parallelism: o.parallelism ?? o.completions,
      backoffLimitPerIndex: o.backoffLimitPerIndex ?? 3,
      template: {
        metadata: { labels: { app: "refs", phase: "compute" } },
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: "compute",
              image: o.image,
              command: ["refs", "compute", o.project, "--serial", ...(o.args ?? [])],
              env,
              resources,
            },
          ],
        },
      },
    },
  };
  return `${JSON.stringify(job, null, 2)}\n`;
}
