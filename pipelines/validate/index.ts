export { loadReferences, referencedUrls, resolverFor } from "./load-refs.js";
export { type Finding, formatReport, type Status, type ValidationReport } from "./report.js";
export { type ValidateOptions, validateReferences } from "./validate.js";
