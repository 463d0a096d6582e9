/** The `--k8s` options `refs scan` and `refs compute` share, turned into the Job they print (k8s-job.ts). */
import { isLocalWorkdir } from "../project/workspace.js";
import { option, type ParsedArgs, positiveInt, UsageError } from "./command.js";
import type { CliContext } from "./context.js";
import { DEFAULT_MOUNT_PATH, type K8sJobOptions, type K8sWorkdir, k8sJobManifest } from "./k8s-job.js";

export const K8S_VALUE_OPTIONS = [
  "image",
  "completions",
  "parallelism",
  "cpu",
  "memory",
  "pvc",
  "mount-path",
  "service-account",
  "secret",
  "secret-key",
] as const;

export const K8S_USAGE = `  --k8s           print a Kubernetes Indexed Job running this command as --completions N shards, for
                  \`kubectl apply -f -\`; the image must have refs installed (see the Dockerfile)
    --image IMAGE   the container image (required)
    with --workdir s3://... or gs://...: no volume; credentials from the pods' service account
    (--service-account NAME) or a secret (--secret NAME: its keys become environment variables, e.g.
    AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; for gs:// its key file --secret-key, default key.json, is
    mounted and named by GOOGLE_APPLICATION_CREDENTIALS)
    with a local --workdir: --pvc CLAIM (ReadWriteMany when pods run on several nodes) mounted at
    --mount-path (default ${DEFAULT_MOUNT_PATH}), the pods' --workdir
    --parallelism P pods at once (default: all); --cpu C, --memory M per pod (default 1 and 2Gi)`;

/** The workdir as the pods see it: the URL itself, or the claim's mount */
function podWorkdir(args: ParsedArgs, ctx: CliContext): K8sWorkdir {
  const pvc = option(args, "pvc");
  if (!isLocalWorkdir(ctx.workdir)) {
    if (!/^(s3|gs):\/\/[^/]+/.test(ctx.workdir)) {
      throw new UsageError(
        `--k8s: the workdir "${ctx.workdir}" is neither a local folder nor an s3:// or gs:// URL`,
      );
    }
    if (pvc || option(args, "mount-path")) {
      throw new UsageError(
        `--k8s: the workdir ${ctx.workdir} is on object storage, so the pods need no volume: drop --pvc/--mount-path`,
      );
    }
    return { url: ctx.workdir };
  }
  if (!pvc) {
    throw new UsageError(
      `--k8s needs --pvc (a PersistentVolumeClaim, ReadWriteMany, holding the workdir with this project), ` +
        `or a workdir on object storage (--workdir s3://bucket/prefix or gs://bucket/prefix): the local ` +
        `folder "${ctx.workdir}" is not on the pods`,
    );
  }
  const mountPath = option(args, "mount-path") ?? DEFAULT_MOUNT_PATH;
  if (!mountPath.startsWith("/")) throw new UsageError(`--mount-path must be absolute, got "${mountPath}"`);
  return { pvc, mountPath };
}

/**
 * The manifest for `refs <phase> <project> --k8s ...`; `podArgs` are passed on to every pod. `defaultCompletions`
 * runs only when --completions is not given, after every usage check: it may read the project, and a workdir URL
 * may be readable only from the pods (their service account).
 */
export async function k8sManifestFromArgs(
  args: ParsedArgs,
  ctx: CliContext,
  job: Pick<K8sJobOptions, "phase" | "project" | "indexed"> & {
    podArgs: string[];
    defaultCompletions: () => Promise<number>;
  },
): Promise<string> {
  const image = option(args, "image");
  if (!image) throw new UsageError("--k8s needs --image (a container image with refs installed)");
  const workdir = podWorkdir(args, ctx);
  const pick = (name: string) => option(args, name);
  const secretKey = pick("secret-key");
  if (secretKey && !pick("secret")) throw new UsageError("--secret-key needs --secret");
  const completions = args.options.has("completions")
    ? positiveInt(args, "completions", 1)
    : await job.defaultCompletions();
  const optional = {
    cpu: pick("cpu"),
    memory: pick("memory"),
    serviceAccount: pick("service-account"),
    secret: pick("secret"),
    secretKey,
  };
  return k8sJobManifest({
    phase: job.phase,
    project: job.project,
    image,
    workdir,
    completions,
    parallelism: positiveInt(args, "parallelism", completions),
    ...(job.indexed === false ? { indexed: false } : {}),
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    args: job.podArgs,
  }).trimEnd();
}
