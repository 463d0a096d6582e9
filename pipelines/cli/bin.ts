#!/usr/bin/env node
/** The `refs` executable's entry: run the command line and exit with its status. */
// The AWS SDK warns on every run under Node 20 about its releases of 2027; refs works on Node 20 today.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { main } = await import("./main.js");

process.exitCode = await main(process.argv.slice(2));
