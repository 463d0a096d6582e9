/** Run the CLI's main() in this process, capturing what it prints (console.log/error, optionally stdout writes). */
import { vi } from "vitest";
import { main } from "../../../pipelines/cli/main.js";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function runCli(argv: string[], options: { stdoutWrites?: boolean } = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  const error = vi
    .spyOn(console, "error")
    .mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
  const write = options.stdoutWrites
    ? vi.spyOn(process.stdout, "write").mockImplementation((t) => {
        out.push(String(t));
        return true;
      })
    : undefined;
  try {
    const code = await main(argv);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write?.mockRestore();
  }
}
