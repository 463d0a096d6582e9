export { type EncodedRollup, encodeRollup } from "./encode.js";
export {
  ROLLUP_FIRST,
  ROLLUP_LAST,
  ROLLUP_LEVEL,
  ROLLUP_SUFFIX,
  rollupColumn,
  rollupColumns,
  rollupPath,
} from "./rollup.js";
