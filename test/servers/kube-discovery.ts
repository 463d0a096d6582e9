/**
 * A test double of the Kubernetes API server's discovery endpoints, for `kubectl apply --dry-run=client`: kubectl
 * maps a manifest's kind to a resource through discovery and looks the object up before a client-side dry run,
 * even with --validate=false, so it needs a server to ask. No Kubernetes API server runs on our CI machine, so this
 * one answers discovery for core v1 and batch/v1 (the Job resource) and 404 for every object; kubectl still parses
 * and checks the manifest itself.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface KubeDiscovery {
  /** `http://127.0.0.1:port`, for `kubectl --server`. */
  origin: string;
  /** Paths asked, in order. */
  log: string[];
  close(): Promise<void>;
}

const json = (res: ServerResponse, code: number, body: unknown) => {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

const ANSWERS: Record<string, unknown> = {
  "/version": { major: "1", minor: "30", gitVersion: "v1.30.0-discovery-double" },
  "/api": { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] },
  "/apis": {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [
      {
        name: "batch",
        versions: [{ groupVersion: "batch/v1", version: "v1" }],
        preferredVersion: { groupVersion: "batch/v1", version: "v1" },
      },
    ],
  },
  "/api/v1": {
    kind: "APIResourceList",
    groupVersion: "v1",
    resources: [
      { name: "secrets", singularName: "secret", namespaced: true, kind: "Secret", verbs: ["create", "get"] },
    ],
  },
  "/apis/batch/v1": {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: "batch/v1",
    resources: [
      { name: "jobs", singularName: "job", namespaced: true, kind: "Job", verbs: ["create", "get", "patch"] },
    ],
  },
};

export async function startKubeDiscovery(): Promise<KubeDiscovery> {
  const log: string[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] as string;
    log.push(`${req.method} ${path}`);
    const answer = ANSWERS[path];
    if (answer) return json(res, 200, answer);
    json(res, 404, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
