import { RefsError, registerErrors } from "../refs/errors.js";

/** Base of compute's own errors: names the array or unit and what is wrong. */
export class ComputeError extends RefsError {
  override name = "ComputeError";
}

/** The reference set does not describe a grid compute understands (missing coordinates, irregular axes, ...). */
export class GridError extends ComputeError {
  override name = "GridError";
  constructor(
    readonly array: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`grid of ${array}: ${detail}`, options);
  }
}

/** A CF time value cannot be turned into a UTC timestamp (unknown calendar, a 360_day date like Feb 30, ...). */
export class CalendarError extends ComputeError {
  override name = "CalendarError";
  constructor(
    readonly calendar: string,
    readonly units: string,
    readonly detail: string,
  ) {
    super(`time (calendar "${calendar}", units "${units}"): ${detail}`);
  }
}

/** The compute configuration is invalid (unknown variable, bad resolution, bad shard spec, ...). */
export class ComputeConfigError extends ComputeError {
  override name = "ComputeConfigError";
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`compute config ${field}: ${detail}`);
  }
}

/** A work unit failed; names the unit and carries the cause. */
export class UnitError extends ComputeError {
  override name = "UnitError";
  constructor(
    readonly unit: string,
    options: { cause: unknown },
  ) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`work unit ${unit} failed: ${reason}`, options);
  }
}

registerErrors({ ComputeError, GridError, CalendarError, ComputeConfigError, UnitError });
