export { type NcHeader, parseHeader } from "./header.js";
export { readHeader } from "./read-header.js";
export { type NetCDF3ScanOptions, scanNetCDF3 } from "./scan.js";
