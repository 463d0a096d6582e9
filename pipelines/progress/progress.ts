/**
 * Progress of a long phase: a redrawn bar on a terminal, a plain line every few seconds elsewhere (logs, CI),
 * nothing when quiet. Rates and ETA come from items and bytes done so far.
 */
export interface ProgressOptions {
  label: string;
  total: number;
  unit?: string;
  quiet?: boolean;
  /** Defaults to process.stderr.isTTY. */
  tty?: boolean;
  /** Seconds between plain lines when not a terminal. */
  intervalSeconds?: number;
  write?: (text: string) => void;
  /** Further quantities the items carry (rows, values): each shown as its total, or per second when `rate`. */
  measures?: readonly { name: string; rate?: boolean }[];
  /** When the work began (Date.now() ms; default: now), for a progress made once the first item is done. */
  startedAt?: number;
}

export class Progress {
  private done = 0;
  private bytes = 0;
  private failed = 0;
  private readonly measured = new Map<string, number>();
  private readonly started: number;
  private lastDraw = 0;
  private readonly tty: boolean;
  private readonly write: (text: string) => void;

  constructor(private readonly options: ProgressOptions) {
    this.started = options.startedAt ?? Date.now();
    this.tty = options.tty ?? Boolean(process.stderr.isTTY);
    this.write = options.write ?? ((t) => process.stderr.write(t));
  }

  /** Record finished items (and bytes, when the phase moves bytes; and amounts of the declared measures). */
  tick(items = 1, bytes = 0, failed = 0, measures: Record<string, number> = {}): void {
    for (const [name, amount] of Object.entries(measures))
      this.measured.set(name, (this.measured.get(name) ?? 0) + amount);
    this.done += items;
    this.bytes += bytes;
    this.failed += failed;
    const now = Date.now();
    const interval = this.tty ? 100 : (this.options.intervalSeconds ?? 5) * 1000;
    if (now - this.lastDraw >= interval) {
      this.lastDraw = now;
      this.draw(false);
    }
  }

  finish(): void {
    this.draw(true);
  }

  line(): string {
    const { label, total, unit = "items" } = this.options;
    const seconds = Math.max((Date.now() - this.started) / 1000, 1e-3);
    const rate = this.done / seconds;
    const eta = rate > 0 && total > this.done ? (total - this.done) / rate : 0;
    const pct = total > 0 ? Math.floor((100 * this.done) / total) : 100;
    const parts = [`${label}: ${this.done}/${total} ${unit} (${pct}%)`, `${rate.toFixed(1)} ${unit}/s`];
    for (const { name, rate: perSecond } of this.options.measures ?? []) {
      const amount = this.measured.get(name) ?? 0;
      parts.push(perSecond ? `${formatCount(amount / seconds)} ${name}/s` : `${formatCount(amount)} ${name}`);
    }
    if (this.bytes > 0) parts.push(`${formatBytes(this.bytes)} (${formatBytes(this.bytes / seconds)}/s)`);
    if (this.failed > 0) parts.push(`${this.failed} failed`);
    if (eta > 0) parts.push(`ETA ${formatDuration(eta)}`);
    return parts.join(", ");
  }

  private draw(final: boolean): void {
    if (this.options.quiet) return;
    if (!this.tty) {
      this.write(`${this.line()}\n`);
      return;
    }
    const { total } = this.options;
    const width = 24;
    const filled = total > 0 ? Math.round((width * Math.min(this.done, total)) / total) : width;
    const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
    this.write(`\r\x1b[2K${bar} ${this.line()}${final ? "\n" : ""}`);
  }
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n.toFixed(0) : n.toFixed(1)} ${units[i]}`;
}

/** 1234 -> "1234", 12345 -> "12.3k", 4.56e6 -> "4.56M": short enough for a progress line. */
export function formatCount(n: number): string {
  if (n < 10_000) return n.toFixed(0);
  const [value, suffix] = n < 1e6 ? [n / 1e3, "k"] : n < 1e9 ? [n / 1e6, "M"] : [n / 1e9, "G"];
  return `${value.toPrecision(3)}${suffix}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${Math.round(seconds % 60)}s`;
  return `${Math.floor(m / 60)}h${m % 60}m`;
}
