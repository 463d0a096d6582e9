import type { Command } from "../command.js";

/** A command as `refs --help` lists it; its module is imported only when the command runs. */
export interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
}

/**
 * Every CLI command, in the order `refs --help` lists them. Each loads its own module on use, so `refs --help` and
 * the light commands never pay for the cloud SDKs, the wasm modules, DuckDB or the STAC validator.
 */
export const commands: Record<string, CommandEntry> = {
  init: {
    summary: "create a project from source globs (or one project per row of a CSV)",
    load: async () => (await import("./init.js")).initCommand,
  },
  scan: {
    summary: "scan every source file into references, then combine them into one virtual dataset",
    load: async () => (await import("./scan.js")).scanCommand,
  },
  compute: {
    summary: "H3-indexed Parquet read through the references (--serial, --workers N, --shard i/N, --k8s)",
    load: async () => (await import("./compute.js")).computeCommand,
  },
  units: {
    summary: "list the compute work units: id, bounds, valid (the grid reaches it), done / pending / failed",
    load: async () => (await import("./units.js")).unitsCommand,
  },
  catalog: {
    summary:
      "STAC collection and items of every output, validated, as a static catalog and in the API's store",
    load: async () => (await import("./catalog.js")).catalogCommand,
  },
  status: {
    summary: "show each phase of a project: done / failed / pending, with counts",
    load: async () => (await import("./status.js")).statusCommand,
  },
  run: {
    summary: "every phase in order: scan, validate, compute, catalog",
    load: async () => (await import("./run.js")).runCommand,
  },
  demo: {
    summary: "generate an ERA5-like series and a small COG, run every phase on them and serve the STAC API",
    load: async () => (await import("../../demo/run-demo.js")).demoCommand,
  },
  serve: {
    summary: "serve the STAC API (SQLite file by default, or PostgreSQL with --pg)",
    load: async () => (await import("./serve.js")).serveCommand,
  },
  translate: {
    summary: "references of single files, as kerchunk JSON or Parquet (no project needed)",
    load: async () => (await import("./translate.js")).translateCommand,
  },
  schemas: {
    summary: "fetch the STAC schemas the catalog is validated against into the local cache (for offline use)",
    load: async () => (await import("./schemas.js")).schemasCommand,
  },
  validate: {
    summary: "compare values read through references with the source files",
    load: async () => (await import("./validate.js")).validateCommand,
  },
};
