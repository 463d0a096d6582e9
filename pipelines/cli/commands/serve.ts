import { availableParallelism } from "node:os";
import {
  type CatalogStore,
  checkPublicUrl,
  createApp,
  DataRootError,
  DataRoots,
  DEFAULT_POOL_SIZE,
  forkServers,
  hostAllowList,
  isServingWorker,
  leaveCluster,
  PostgresStore,
  SqliteStore,
  startServer,
} from "../../../catalog-api/index.js";
import { apiDatabasePath } from "../../project/workspace.js";
import {
  type Command,
  EXIT,
  integerOption,
  option,
  type ParsedArgs,
  positiveInt,
  UsageError,
} from "../command.js";
import { cliContext } from "../context.js";
import { projectDataRoots } from "./serve-data-roots.js";

export const serveCommand: Command = {
  name: "serve",
  usage: `usage: refs serve [--workdir DIR | --db catalog.sqlite | --pg postgres://...] [--port 8080] [--host 127.0.0.1]
                  [--token T] [--processes N] [--pg-pool N] [--public-url URL] [--trust-proxy]
                  [--allowed-host NAME]...
                  [--stac-schemas DIR] [--data-root PATH|URL ...]

  --workdir    projects folder whose catalog to serve: <workdir>/catalog.sqlite, where \`refs catalog\` writes
               (default $REFS_WORKDIR or ./refs-projects)
  --db         SQLite catalog file instead (created if missing)
  --pg         PostgreSQL connection URL instead of SQLite (needs PostGIS); default $REFS_PG_URL when neither
               --workdir nor --db is given
  --port       TCP port (default 8080; 0 picks a free one)
  --host       address to listen on (default 127.0.0.1)
  --token      bearer token enabling transactions (or REFS_API_TOKEN); without one the API is read-only
  --processes  serving processes sharing the port, each with its own connection (default: the available cores,
               less one when --pg names a database on this machine)
  --pg-pool    PostgreSQL connections per serving process for searches, and as many for the rest (default 4;
               more for a database server with many cores or long-running filters)
  --public-url the URL clients reach the API at (e.g. https://stac.example.org/stac): every link is built on it
  --trust-proxy  behind a reverse proxy: build links from X-Forwarded-Proto, -Host and -Prefix (ignored otherwise;
               a Host header that is not a plain host[:port] is never copied into links)
  --allowed-host the host names links may carry (repeatable; *.example.org for its subdomains): a Host or
               X-Forwarded-Host naming another is not copied, the listening address is used instead
  --stac-schemas local STAC JSON Schemas (or $REFS_STAC_SCHEMAS): transactions are validated against them too
  --data-root  a folder, or an s3://, gs:// or http(s):// prefix, whose Parquet files /collections/{id}/cells may
               read (repeatable; default: the compute output of every project in the workdir). An item whose
               data href lies elsewhere is refused with a 403, never read`,
  valueOptions: [
    "db",
    "pg",
    "port",
    "host",
    "token",
    "processes",
    "workdir",
    "pg-pool",
    "public-url",
    "allowed-host",
    "stac-schemas",
    "data-root",
  ],
  flags: ["v", "verbose", "trust-proxy"],
  async run(args) {
    const o = serveOptions(args);
    if (isServingWorker()) {
      // a worker holds an IPC channel to the primary: it must leave the cluster to end, after a failure too
      // (a port in use, a store it cannot open), or the primary would wait for it forever
      try {
        return await serveHere(o, false);
      } finally {
        leaveCluster();
      }
    }
    // the primary opens the store once first: it creates the schema and fails early on a bad file or URL
    await (await openStore(o)).close();
    if (o.processes === 1) return serveHere(o, true);
    const servers = await forkServers(o.processes);
    console.log(`refs serve: STAC API at ${servers.url}/ (${describe(o)}, ${o.processes} processes)`);
    announceRoots(o.dataRoots ?? (await projectDataRoots(o.workdir, () => {})));
    await stopSignal();
    await servers.close();
    return EXIT.ok;
  },
};

interface ServeOptions {
  port: number;
  host: string;
  pg?: string;
  db: string;
  token?: string;
  processes: number;
  pgPool: number;
  publicUrl?: string;
  trustProxy: boolean;
  allowedHosts?: string[];
  schemasDir?: string;
  /** --data-root as given; undefined: the workdir's projects' compute outputs. */
  dataRoots?: string[];
  workdir: string;
}

function serveOptions(args: ParsedArgs): ServeOptions {
  if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const port = integerOption(args, "port", 8080, { min: 0, max: 65535 });
  const given = option(args, "pg");
  if ([given, option(args, "db"), option(args, "workdir")].filter(Boolean).length > 1)
    throw new UsageError("give one of --workdir, --db or --pg");
  // $REFS_PG_URL (where `refs catalog` then ingests too) when no store is named
  const pg =
    given ||
    (option(args, "db") || option(args, "workdir") ? undefined : process.env.REFS_PG_URL) ||
    undefined;
  const db = option(args, "db") ?? apiDatabasePath(cliContext(args).workdir);
  const processes = integerOption(args, "processes", defaultProcesses(pg), { max: 256 });
  if (!pg && db === ":memory:" && processes > 1)
    throw new UsageError("--db :memory: cannot be shared by several processes: use --processes 1");
  const pgPool = positiveInt(args, "pg-pool", DEFAULT_POOL_SIZE);
  if (option(args, "pg-pool") !== undefined && !pg)
    throw new UsageError("--pg-pool needs --pg (or $REFS_PG_URL)");
  const token = option(args, "token") ?? process.env.REFS_API_TOKEN;
  const host = option(args, "host") ?? "127.0.0.1";
  const publicUrl = option(args, "public-url");
  if (publicUrl !== undefined) {
    try {
      checkPublicUrl(publicUrl);
    } catch (e) {
      throw new UsageError(`--public-url: ${(e as Error).message.replace(/^public-url: /, "")}`);
    }
  }
  const allowedHosts = args.options.get("allowed-host");
  if (allowedHosts) {
    try {
      hostAllowList(allowedHosts);
    } catch (e) {
      throw new UsageError(`--allowed-host: ${(e as Error).message.replace(/^allowed-host: /, "")}`);
    }
  }
  const schemasDir = option(args, "stac-schemas") ?? process.env.REFS_STAC_SCHEMAS;
  const dataRoots = args.options.get("data-root");
  try {
    DataRoots.parse(dataRoots ?? []);
  } catch (e) {
    if (e instanceof DataRootError) throw new UsageError(`--data-root: ${e.message}`);
    throw e;
  }
  return {
    ...(dataRoots ? { dataRoots } : {}),
    workdir: cliContext(args).workdir,
    publicUrl,
    trustProxy: args.flags.has("trust-proxy"),
    ...(allowedHosts ? { allowedHosts } : {}),
    ...(schemasDir ? { schemasDir } : {}),
    port,
    host,
    pg,
    db,
    token: token || undefined,
    processes,
    pgPool,
  };
}

/**
 * One serving process per core, leaving one core to a PostgreSQL server on this machine: at 10^6 items with 32
 * clients on 2 cores, 1 process gave p99 19-23 ms and 2 processes 28-61 ms, the database's backends and the
 * processes contending for the cores (test/bench/catalog.bench.ts).
 */
export function defaultProcesses(pgUrl: string | undefined, cores = availableParallelism()): number {
  return pgUrl && isLocalDatabase(pgUrl) ? Math.max(1, cores - 1) : cores;
}

/** Whether a PostgreSQL URL names this machine (loopback, or a Unix socket: no host, or a host that is a path). */
export function isLocalDatabase(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const socket = parsed.searchParams.get("host");
  if (socket?.startsWith("/")) return true;
  const host = decodeURIComponent(parsed.hostname).replace(/^\[|\]$/g, "");
  return host === "" || host.startsWith("/") || host === "localhost" || host === "::1" || /^127\./.test(host);
}

function openStore(o: ServeOptions): Promise<CatalogStore> {
  return o.pg ? PostgresStore.open(o.pg, { poolSize: o.pgPool }) : Promise.resolve(new SqliteStore(o.db));
}

function describe(o: ServeOptions): string {
  return `${o.pg ? "PostgreSQL" : "SQLite"}, transactions ${o.token ? "on" : "off"}`;
}

/** Serve in this process (the only one, or one of the cluster's workers) until SIGINT/SIGTERM. */
async function serveHere(o: ServeOptions, announce: boolean): Promise<number> {
  const store = await openStore(o);
  try {
    const dataRoots = o.dataRoots ?? (await projectDataRoots(o.workdir, (line) => console.error(line)));
    if (announce) announceRoots(dataRoots);
    const app = createApp({
      dataRoots,
      store,
      token: o.token,
      publicUrl: o.publicUrl,
      trustProxy: o.trustProxy,
      ...(o.allowedHosts ? { allowedHosts: o.allowedHosts } : {}),
      schemasDir: o.schemasDir,
    });
    const server = await startServer(app, { port: o.port, host: o.host });
    if (announce) console.log(`refs serve: STAC API at ${server.url}/ (${describe(o)}, 1 process)`);
    await stopSignal();
    await server.close();
    return EXIT.ok;
  } finally {
    // also when listening failed: an open database pool would keep the process alive
    await store.close();
  }
}

function announceRoots(roots: string[]): void {
  console.log(
    `refs serve: /cells reads Parquet only under ${roots.length ? roots.join(", ") : "nothing (no project in the workdir and no --data-root)"}`,
  );
}

function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}
