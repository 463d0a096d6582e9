import type { SuiteContext } from "./suite-context.js";

export function edgeTests(_ctx: SuiteContext): void {}
