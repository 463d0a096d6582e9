import type { SuiteContext } from "./suite-context.js";

export function extensionTests(_ctx: SuiteContext): void {}
