/** Combining per-file reference sets into one virtual dataset (kerchunk MultiZarrToZarr's job), pure functions. */
export { type AppendOptions, appendReferenceSets } from "./append.js";
export { type CalendarName, canonicalCalendar } from "./calendars.js";
export {
  type CfTime,
  convertTime,
  decodeTime,
  encodeTime,
  formatDateTime,
  parseCfTime,
  sameEncoding,
} from "./cf-time.js";
export { type CombineResult, combineReferenceSets } from "./combine.js";
export { type DetectOptions, detectConcatDim } from "./detect.js";
export * from "./errors.js";
export type {
  CombineInput,
  CombineOptions,
  CoordinateSource,
  ReadCoordinate,
  TimeEncoding,
  ValueType,
} from "./options.js";
export { CF_MISSING_ATTRIBUTES, type FilePacking } from "./per-file-encodings.js";
