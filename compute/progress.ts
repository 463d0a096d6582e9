/** Progress of a run: units done of total, rows written, source values per second and an ETA. */
export interface Progress {
  unitsTotal: number;
  /** Units finished in this run (written or skipped as all-fill). */
  unitsDone: number;
  /** Units skipped because an earlier run completed them. */
  unitsAlreadyDone: number;
  rows: number;
  values: number;
  elapsedSeconds: number;
  valuesPerSecond: number;
  /** Seconds left at the current unit rate; undefined before the first unit finishes. */
  etaSeconds?: number;
}

export class ProgressMeter {
  private readonly started = performance.now();
  private done = 0;
  private rows = 0;
  private values = 0;

  constructor(
    private readonly total: number,
    private readonly alreadyDone: number,
    private readonly onProgress?: (p: Progress) => void,
  ) {}

  unitFinished(rows: number, values: number): void {
    this.done++;
    this.rows += rows;
    this.values += values;
    this.onProgress?.(this.snapshot());
  }

  snapshot(): Progress {
    const elapsed = (performance.now() - this.started) / 1000;
    const left = this.total - this.alreadyDone - this.done;
    const p: Progress = {
      unitsTotal: this.total,
      unitsDone: this.done,
      unitsAlreadyDone: this.alreadyDone,
      rows: this.rows,
      values: this.values,
      elapsedSeconds: elapsed,
      valuesPerSecond: elapsed > 0 ? this.values / elapsed : 0,
    };
    if (this.done > 0) p.etaSeconds = (elapsed / this.done) * left;
    return p;
  }
}
