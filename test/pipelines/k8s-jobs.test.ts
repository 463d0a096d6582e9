/**
 * The Jobs `refs scan --k8s` and `refs compute --k8s` print: with a workdir URL (s3://, gs://) no volume and the
 * credentials from the service account or a named secret; with a local workdir the claim, as before. kubectl
 * (`apply --dry-run=client --validate=false`) must accept every one; it asks a discovery double
 * (test/servers/kube-discovery.ts) since no API server runs here. Skipped with a message where kubectl is not
 * installed, except in CI (.ci/run installs it), where a missing kubectl fails.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../pipelines/cli/command.js";
import { k8sJobManifest } from "../../pipelines/cli/k8s-job.js";
import { defaultConfig } from "../../pipelines/project/config.js";
import { Workspace } from "../../pipelines/project/workspace.js";
import { type KubeDiscovery, startKubeDiscovery } from "../servers/kube-discovery.js";
import { runCli } from "./helpers/run-cli.js";

const KUBECTL = process.env.REFS_KUBECTL ?? "kubectl";
const haveKubectl = spawnSync(KUBECTL, ["version", "--client"], { encoding: "utf8" }).status === 0;
if (!haveKubectl && process.env.CI) throw new Error(`${KUBECTL} is missing: CI must install kubectl`);
if (!haveKubectl)
  console.warn(`kubectl not found (${KUBECTL}): the kubectl checks of the printed Jobs are skipped`);

interface Container {
  name: string;
  command: string[];
  env: { name: string; value: string }[];
  envFrom?: { secretRef: { name: string } }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  serviceAccountName?: string;
  securityContext: Record<string, unknown>;
  volumes?: Record<string, unknown>[];
  containers: Container[];
}
interface Job {
  kind: string;
  metadata: { name: string };
  spec: { completionMode?: string; completions: number; parallelism: number; template: { spec: PodSpec } };
}

/** kubectl against the discovery double, without blocking this process (which serves the double). */
function kubectlApply(file: string): Promise<{ code: number; out: string; err: string }> {
  const args = ["--server", (kube as KubeDiscovery).origin, "--cache-dir", join(base, "kube-cache")];
  args.push("apply", "--dry-run=client", "--validate=false", "-f", file);
  const env = { ...process.env, KUBECONFIG: join(base, "no-kubeconfig") };
  return new Promise((done) => {
    execFile(KUBECTL, args, { encoding: "utf8", env, timeout: 60_000 }, (error, out, err) =>
      done({ code: error ? ((error.code as number | undefined) ?? 1) : 0, out, err }),
    );
  });
}

let base: string;
let workdir: string;
let kube: KubeDiscovery | undefined;
const printed = new Map<string, string>();

async function print(name: string, args: string[]): Promise<Job> {
  const run = await runCli(args);
  expect(run.code, run.err).toBe(EXIT.ok);
  printed.set(name, run.out);
  return JSON.parse(run.out) as Job;
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "refs-k8s-jobs-"));
  workdir = join(base, "projects");
  const config = defaultConfig("era5", ["s3://era5-bucket/2022/*.nc"]);
  config.compute.units = "h0";
  await new Workspace(workdir, "era5").saveConfig(config);
  if (haveKubectl) kube = await startKubeDiscovery();
});

afterAll(async () => {
  await kube?.close();
  await rm(base, { recursive: true, force: true });
});

describe("refs scan --k8s and refs compute --k8s", () => {
  it("a workdir on S3: no volume, the pods' service account, the URL as --workdir", async () => {
    const url = "s3://refs-bucket/projects";
    const job = await print("scan-s3", [
      "scan",
      "era5",
      "--k8s",
      "--image",
      "ghcr.io/x/refs:1",
      "--completions",
      "16",
      "--parallelism",
      "8",
      "--service-account",
      "refs-runner",
      "--workdir",
      url,
    ]);
    expect(job.metadata.name).toBe("refs-scan-era5");
    expect(job.spec).toMatchObject({ completionMode: "Indexed", completions: 16, parallelism: 8 });
    const pod = job.spec.template.spec;
    expect(pod.volumes).toBeUndefined();
    expect(pod.serviceAccountName).toBe("refs-runner");
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 });
    const [container] = pod.containers as [Container];
    expect(container.volumeMounts).toBeUndefined();
    expect(container.envFrom).toBeUndefined();
    expect(container.command).toEqual(["refs", "scan", "era5", "--workdir", url]);
    expect(container.env).toEqual([{ name: "JOB_COMPLETIONS", value: "16" }]);
  });

  it("a workdir on S3 with a secret: its keys as environment variables", async () => {
    const job = await print("compute-s3", [
      "compute",
      "era5",
      "--k8s",
      "--image",
      "ghcr.io/x/refs:1",
      "--completions",
      "3",
      "--secret",
      "aws-keys",
      "--unit",
      "8001fffffffffff",
      "--workdir",
      "s3://refs-bucket/projects",
    ]);
    const pod = job.spec.template.spec;
    expect(pod.volumes).toBeUndefined();
    const [container] = pod.containers as [Container];
    expect(container.envFrom).toEqual([{ secretRef: { name: "aws-keys" } }]);
    expect(container.command).toEqual([
      "refs",
      "compute",
      "era5",
      "--serial",
      "--workdir",
      "s3://refs-bucket/projects",
      "--unit",
      "8001fffffffffff",
    ]);
  });

  it("a workdir on GCS with a secret: only its key file is mounted, named by GOOGLE_APPLICATION_CREDENTIALS", async () => {
    const job = await print("compute-gs", [
      "compute",
      "era5",
      "--k8s",
      "--image",
      "ghcr.io/x/refs:1",
      "--secret",
      "gcs-key",
      "--secret-key",
      "sa.json",
      "--workdir",
      "gs://refs-bucket/projects",
      "--completions",
      "4",
    ]);
    const pod = job.spec.template.spec;
    expect(job.spec.completions).toBe(4); // given, so the project is not read from the URL workdir here
    expect(pod.volumes).toEqual([{ name: "credentials", secret: { secretName: "gcs-key" } }]);
    const [container] = pod.containers as [Container];
    expect(container.volumeMounts).toEqual([
      { name: "credentials", mountPath: "/var/run/secrets/refs", readOnly: true },
    ]);
    expect(container.env).toContainEqual({
      name: "GOOGLE_APPLICATION_CREDENTIALS",
      value: "/var/run/secrets/refs/sa.json",
    });
    expect(container.envFrom).toBeUndefined();
  });

  it("a local workdir: the claim, as before (compute reads the project: 122 pods for h0 units)", async () => {
    const job = await print("compute-pvc", [
      "compute",
      "era5",
      "--k8s",
      "--image",
      "ghcr.io/x/refs:1",
      "--pvc",
      "refs-data",
      "--workdir",
      workdir,
    ]);
    expect(job.spec.completions).toBe(122);
    const pod = job.spec.template.spec;
    expect(pod.volumes).toEqual([{ name: "workdir", persistentVolumeClaim: { claimName: "refs-data" } }]);
    expect(pod.securityContext).toMatchObject({ fsGroup: 1000 });
    const [container] = pod.containers as [Container];
    expect(container.volumeMounts).toEqual([{ name: "workdir", mountPath: "/refs-projects" }]);
    expect(container.command).toEqual(["refs", "compute", "era5", "--serial", "--workdir", "/refs-projects"]);
    const combine = await print("scan-combine-pvc", [
      "scan",
      "era5",
      "--k8s",
      "--combine",
      "--image",
      "ghcr.io/x/refs:1",
      "--pvc",
      "refs-data",
      "--workdir",
      workdir,
    ]);
    expect(combine.metadata.name).toBe("refs-scan-combine-era5");
    expect(combine.spec).toMatchObject({ completions: 1, parallelism: 1 });
    expect(combine.spec.completionMode).toBeUndefined();
  });

  it("names a Job as Kubernetes allows: lowercase, at most 63 characters, no trailing '-'", () => {
    const job = JSON.parse(
      k8sJobManifest({
        phase: "compute",
        project: `ERA5_${"x".repeat(48)}_tp`,
        image: "i",
        workdir: { url: "s3://b/p" },
        completions: 2,
      }),
    ) as Job;
    expect(job.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(job.metadata.name.length).toBeLessThanOrEqual(63);
  });

  it("refuses what cannot work, as usage errors", async () => {
    const cases: [string[], string][] = [
      [["--workdir", "s3://b/p", "--pvc", "c"], "is on object storage, so the pods need no volume"],
      [["--workdir", "https://example.org/p"], "neither a local folder nor an s3:// or gs:// URL"],
      [["--workdir", workdir], "--k8s needs --pvc"],
      [["--workdir", "s3://b/p", "--secret-key", "k.json"], "--secret-key needs --secret"],
    ];
    // a project missing from a local workdir is named now, not in every pod
    for (const phase of ["scan", "compute"]) {
      const missing = await runCli([
        phase,
        "nope",
        "--k8s",
        "--image",
        "i",
        "--pvc",
        "c",
        "--workdir",
        workdir,
      ]);
      expect(missing.code).toBe(EXIT.failure);
      expect(missing.err).toMatch(/nope/);
    }
    for (const [extra, message] of cases) {
      for (const phase of ["scan", "compute"]) {
        const run = await runCli([phase, "era5", "--k8s", "--image", "i", ...extra]);
        expect(run.code, `${phase} ${extra.join(" ")}`).toBe(EXIT.usage);
        expect(run.err).toContain(message);
      }
    }
  });

  it.skipIf(!haveKubectl)(
    "kubectl apply --dry-run=client --validate=false accepts every printed Job",
    async () => {
      expect(printed.size).toBe(5);
      for (const [name, text] of printed) {
        const file = join(base, `${name}.json`);
        await writeFile(file, text);
        const run = await kubectlApply(file);
        expect(run.code, `${name}: ${run.err}`).toBe(0);
        expect(run.out.trim()).toBe(`job.batch/${JSON.parse(text).metadata.name} created (dry run)`);
      }
      // a Job without a name is refused, so the check can fail
      const broken = join(base, "broken.json");
      await writeFile(broken, '{"apiVersion": "batch/v1", "kind": "Job", "metadata": {}}');
      const refused = await kubectlApply(broken);
      expect(refused.code).not.toBe(0);
      expect(refused.err).toMatch(/name/);
    },
    120_000,
  );
});
