export { scanTiff, type TiffScanOptions } from "./scan.js";
