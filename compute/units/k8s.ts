/**
 * A Kubernetes Indexed Job that runs `refs compute <proj>` across `completions` pods: each pod gets
 * JOB_COMPLETION_INDEX from Kubernetes and JOB_COMPLETIONS from the manifest, and computes its shard.
 * The pods read the project (project.json, references) and write their status from a workdir mounted from a
 * PersistentVolumeClaim, so the claim must allow ReadWriteMany when pods run on several nodes. The output goes
 * to the project's `compute.output` (a storage URL) or, by default, to `<project>/h3` on the same volume.
 * Returned as JSON text (JSON is valid YAML, and needs no YAML library).
 */
export interface K8sJobOptions {
  project: string;
  image: string;
  /** The PersistentVolumeClaim holding the workdir (the folder with `<project>/project.json`). */
  pvc: string;
  /** Where the claim is mounted in the pods, and so the pods' --workdir (default DEFAULT_MOUNT_PATH). */
  mountPath?: string;
  /** Pods in total (= shards). */
  completions: number;
  /** Pods at once (default: completions). */
  parallelism?: number;
  cpu?: string;
  memory?: string;
  /** Extra arguments after `refs compute <proj> --serial --workdir <mountPath>`. */
  args?: string[];
  env?: Record<string, string>;
  backoffLimitPerIndex?: number;
  name?: string;
}

export const DEFAULT_MOUNT_PATH = "/refs-projects";
const VOLUME = "workdir";

export function k8sJobManifest(o: K8sJobOptions): string {
  const name = o.name ?? `refs-compute-${o.project.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}`.slice(0, 63);
  const mountPath = o.mountPath ?? DEFAULT_MOUNT_PATH;
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
          volumes: [{ name: VOLUME, persistentVolumeClaim: { claimName: o.pvc } }],
          containers: [
            {
              name: "compute",
              image: o.image,
              command: ["refs", "compute", o.project, "--serial", "--workdir", mountPath, ...(o.args ?? [])],
              env,
              resources,
              volumeMounts: [{ name: VOLUME, mountPath }],
            },
          ],
        },
      },
    },
  };
  return `${JSON.stringify(job, null, 2)}\n`;
}
