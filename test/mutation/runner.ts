/**
 * Runs mutation jobs under a time and a memory bound. The subject process (subject.ts: scan and read-back only)
 * is polled for resident memory and killed past the bound or when it outlives its time; the judge process
 * (judge.ts: the independent readers) compares what it read back. A killed process is replaced and the run goes
 * on; a judge that hangs makes the mutant "unverified", never a failure of ours.
 */
import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Job,
  type JudgeResult,
  OUTCOMES,
  type Outcome,
  type Phase,
  type ReadBack,
  type SubjectMessage,
} from "./protocol.js";

const here = dirname(fileURLToPath(import.meta.url));

export interface Bounds {
  /** Scan plus read-back of one mutant (default 10 s). */
  timeoutMs: number;
  /** The independent reader of one mutant (default 20 s). */
  judgeTimeoutMs: number;
  /** Resident memory of the subject process (default 512 MiB). */
  memoryBytes: number;
}

export const DEFAULT_BOUNDS: Bounds = {
  timeoutMs: 10_000,
  judgeTimeoutMs: 20_000,
  memoryBytes: 512 * 2 ** 20,
};

export interface JobResult {
  job: Job;
  outcome: Outcome;
  detail: string;
  /** Scan and read-back time. */
  ms: number;
  /** Highest resident memory of the subject seen while the job ran. */
  peakRss: number;
}

function rssOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

class Child<M> {
  readonly process: ChildProcess;
  readonly ready: Promise<void>;
  private listener: ((m: M) => void) | undefined;

  constructor(script: string) {
    this.process = fork(join(here, script), [], {
      execArgv: ["--import", "tsx", "--expose-gc"],
      stdio: ["ignore", "ignore", "ignore", "ipc"],
      serialization: "advanced",
    });
    this.ready = new Promise((resolve, reject) => {
      this.listener = (m) => {
        if ((m as { phase?: string }).phase === "ready") resolve();
      };
      this.process.once("exit", (code) => reject(new Error(`${script} exited with ${code} at start`)));
    });
    this.process.on("message", (m: M) => this.listener?.(m));
  }

  on(listener: (m: M) => void): void {
    this.listener = listener;
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  kill(): void {
    this.process.kill("SIGKILL");
  }
}

type Subject = Child<SubjectMessage>;
type Judge = Child<JudgeResult>;

/** Scan and read back in the subject: an outcome, or the values to judge. */
function runSubject(
  child: Subject,
  job: Job,
  bounds: Bounds,
): Promise<{ outcome?: Outcome; detail?: string; arrays?: ReadBack[]; ms: number; peakRss: number }> {
  const start = Date.now();
  let phase: Phase = "scan";
  let peakRss = 0;
  return new Promise((resolve) => {
    const finish = (r: { outcome?: Outcome; detail?: string; arrays?: ReadBack[] }) => {
      clearInterval(timer);
      child.process.removeListener("exit", onExit);
      resolve({ ...r, ms: Date.now() - start, peakRss });
    };
    // a SIGKILL we did not send comes from the kernel's out-of-memory killer (memory grew between two polls)
    const onExit = (code: number | null, signal: string | null) =>
      signal === "SIGKILL"
        ? finish({ outcome: "over-memory", detail: `killed by the system (out of memory) during ${phase}` })
        : finish({ outcome: "crash", detail: `process exited (${signal ?? code}) during ${phase}` });
    child.process.on("exit", onExit);
    child.on((m) => {
      if (m.id !== job.id) return;
      if ("phase" in m) phase = m.phase;
      else finish(m);
    });
    const timer = setInterval(() => {
      const rss = rssOf(child.process.pid);
      peakRss = Math.max(peakRss, rss);
      if (rss > bounds.memoryBytes) {
        child.kill();
        finish({ outcome: "over-memory", detail: `${Math.round(rss / 2 ** 20)} MiB during ${phase}` });
      } else if (Date.now() - start > bounds.timeoutMs) {
        child.kill();
        finish({ outcome: "hang", detail: `over ${bounds.timeoutMs} ms during ${phase}` });
      }
    }, 20);
    child.process.send(job);
  });
}

function runJudge(child: Judge, job: Job, arrays: ReadBack[], bounds: Bounds): Promise<JudgeResult> {
  return new Promise((resolve) => {
    const finish = (r: JudgeResult) => {
      clearTimeout(timer);
      child.process.removeListener("exit", onExit);
      resolve(r);
    };
    const onExit = () => finish({ id: job.id, outcome: "unverified", detail: "the reader's process died" });
    child.process.on("exit", onExit);
    child.on((m) => {
      if (m.id === job.id) finish(m);
    });
    const timer = setTimeout(() => {
      child.kill();
      finish({ id: job.id, outcome: "unverified", detail: "the reader hung" });
    }, bounds.judgeTimeoutMs);
    child.process.send({ job, arrays });
  });
}

/** Run every job, one at a time; a killed or dead process is replaced before the next job. */
export async function runJobs(
  jobs: Job[],
  bounds: Bounds = DEFAULT_BOUNDS,
  onResult?: (r: JobResult) => void,
): Promise<JobResult[]> {
  const results: JobResult[] = [];
  let subject: Subject | undefined;
  let judge: Judge | undefined;
  try {
    for (const job of jobs) {
      if (!subject?.alive) {
        subject = new Child<SubjectMessage>("subject.ts");
        await subject.ready;
      }
      const s = await runSubject(subject, job, bounds);
      let outcome = s.outcome ?? "unverified";
      let detail = s.detail ?? "";
      if (s.arrays) {
        if (!judge?.alive) {
          judge = new Child<JudgeResult>("judge.ts");
          await judge.ready;
        }
        ({ outcome, detail } = await runJudge(judge, job, s.arrays, bounds));
      }
      const result = { job, outcome, detail, ms: s.ms, peakRss: s.peakRss };
      results.push(result);
      onResult?.(result);
    }
  } finally {
    subject?.kill();
    judge?.kill();
  }
  return results;
}

/** Results counted per outcome, every outcome present (0 where none). */
export function countOutcomes(results: JobResult[]): Record<Outcome, number> {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const r of results) counts[r.outcome]++;
  return counts;
}
