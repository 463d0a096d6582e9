/**
 * The Kubernetes Jobs `refs scan --k8s` and `refs compute --k8s` print. An Indexed Job runs the phase across
 * `completions` pods: each gets JOB_COMPLETION_INDEX from Kubernetes and JOB_COMPLETIONS from the manifest, and
 * works on its shard (pipelines/cli/shard-args.ts). Where the project lives decides the pods' storage:
 * - a workdir URL (s3://, gs://): no volume at all; the pods reach the bucket with the credentials of their
 *   service account (`serviceAccount`: IRSA on EKS, Workload Identity on GKE) or of a named secret (`secret`:
 *   its keys as environment variables, e.g. AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; for gs:// its key file
 *   `secretKey` is mounted read-only and named by GOOGLE_APPLICATION_CREDENTIALS);
 * - a local workdir: mounted from a PersistentVolumeClaim (ReadWriteMany when pods run on several nodes).
 * Pods run as the image's non-root user (uid 1000, the `node` user of node:20-slim; see Dockerfile).
 * Returned as JSON text (JSON is valid YAML, and needs no YAML library).
 */

export type K8sWorkdir =
  /** The workdir on object storage, passed to the pods as is. */
  | { url: string }
  /** The workdir on a claim, mounted at `mountPath` (default DEFAULT_MOUNT_PATH), the pods' --workdir. */
  | { pvc: string; mountPath?: string };

export interface K8sJobOptions {
  phase: "scan" | "compute";
  project: string;
  image: string;
  workdir: K8sWorkdir;
  /** Pods in total (= shards). Ignored when `indexed` is false (one pod). */
  completions: number;
  /** Pods at once (default: completions). */
  parallelism?: number;
  /** False: one pod, no shard (the scan's combine). Default true. */
  indexed?: boolean;
  cpu?: string;
  memory?: string;
  /** Extra arguments after `refs <phase> <proj> [--serial] --workdir <workdir>`. */
  args?: string[];
  env?: Record<string, string>;
  /** The pods' service account (cloud credentials bound to it). */
  serviceAccount?: string;
  /** A secret holding the credentials (see above). */
  secret?: string;
  /** With a gs:// workdir and `secret`: the key of the secret holding the service-account JSON (default key.json). */
  secretKey?: string;
  backoffLimitPerIndex?: number;
  name?: string;
}

export const DEFAULT_MOUNT_PATH = "/refs-projects";
/** The uid of the `node` user in the official Node images, which the Dockerfile runs as. */
export const IMAGE_UID = 1000;
const VOLUME = "workdir";
const CREDENTIALS_VOLUME = "credentials";
const CREDENTIALS_PATH = "/var/run/secrets/refs";

/** A DNS-1123 label: lowercase letters, digits and '-', at most 63, starting and ending alphanumeric. */
function jobName(parts: string[]): string {
  return parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, 63)
    .replace(/^-+|-+$/g, "");
}

export function k8sJobManifest(o: K8sJobOptions): string {
  const indexed = o.indexed ?? true;
  const name =
    o.name ?? jobName(["refs", o.phase, ...(indexed || o.phase !== "scan" ? [] : ["combine"]), o.project]);
  const labels = { app: "refs", phase: o.phase };
  const onClaim = "pvc" in o.workdir;
  const workdir = "pvc" in o.workdir ? (o.workdir.mountPath ?? DEFAULT_MOUNT_PATH) : o.workdir.url;
  const gcsKeyFile = !onClaim && workdir.startsWith("gs://") && o.secret !== undefined;
  const env = [
    ...(indexed ? [{ name: "JOB_COMPLETIONS", value: String(o.completions) }] : []),
    ...(gcsKeyFile
      ? [
          {
            name: "GOOGLE_APPLICATION_CREDENTIALS",
            value: `${CREDENTIALS_PATH}/${o.secretKey ?? "key.json"}`,
          },
        ]
      : []),
    ...Object.entries(o.env ?? {}).map(([k, v]) => ({ name: k, value: v })),
  ];
  const volumes = [
    ...("pvc" in o.workdir ? [{ name: VOLUME, persistentVolumeClaim: { claimName: o.workdir.pvc } }] : []),
    ...(gcsKeyFile ? [{ name: CREDENTIALS_VOLUME, secret: { secretName: o.secret } }] : []),
  ];
  const volumeMounts = [
    ...(onClaim ? [{ name: VOLUME, mountPath: workdir }] : []),
    ...(gcsKeyFile ? [{ name: CREDENTIALS_VOLUME, mountPath: CREDENTIALS_PATH, readOnly: true }] : []),
  ];
  const container = {
    name: o.phase,
    image: o.image,
    command: [
      "refs",
      o.phase,
      o.project,
      ...(o.phase === "compute" ? ["--serial"] : []),
      "--workdir",
      workdir,
      ...(o.args ?? []),
    ],
    env,
    ...(o.secret && !gcsKeyFile ? { envFrom: [{ secretRef: { name: o.secret } }] } : {}),
    resources: {
      requests: { cpu: o.cpu ?? "1", memory: o.memory ?? "2Gi" },
      limits: { cpu: o.cpu ?? "1", memory: o.memory ?? "2Gi" },
    },
    ...(volumeMounts.length > 0 ? { volumeMounts } : {}),
  };
  const job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, labels },
    spec: {
      ...(indexed
        ? {
            completionMode: "Indexed",
            completions: o.completions,
            parallelism: o.parallelism ?? o.completions,
            backoffLimitPerIndex: o.backoffLimitPerIndex ?? 3,
          }
        : { completions: 1, parallelism: 1, backoffLimit: 3 }),
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          ...(o.serviceAccount ? { serviceAccountName: o.serviceAccount } : {}),
          // the image's user; on a claim, files it writes belong to its group
          securityContext: {
            runAsNonRoot: true,
            runAsUser: IMAGE_UID,
            runAsGroup: IMAGE_UID,
            ...(onClaim ? { fsGroup: IMAGE_UID } : {}),
          },
          ...(volumes.length > 0 ? { volumes } : {}),
          containers: [container],
        },
      },
    },
  };
  return `${JSON.stringify(job, null, 2)}\n`;
}
