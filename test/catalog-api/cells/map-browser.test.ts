/**
 * The /map page in a real browser: Debian's chromium driven by playwright-core, on the demo's output served by
 * the API over HTTP. The page must load with no console errors, draw as many cells as the data has at the first
 * time step (from the page's state, and polygons the map rendered), fetch the next time when the slider moves,
 * show a clicked cell's values over time; a screenshot goes to test-artifacts/map.png. Skipped where chromium is
 * not installed, except in CI (.ci/run installs it), where a missing browser fails.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../catalog-api/api/app.js";
import { type RunningServer, startServer } from "../../../catalog-api/api/server.js";
import { type Brute, bruteForce } from "./brute-force.js";
import { type DemoOutput, makeDemoOutput } from "./demo-output.js";

const CHROMIUM = process.env.REFS_CHROMIUM ?? "/usr/bin/chromium";
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI)
  throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`);
const artifacts = resolve(import.meta.dirname, "..", "..", "..", "test-artifacts");

let demo: DemoOutput;
let brute: Brute;
let server: RunningServer;
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  if (!haveBrowser) return;
  demo = await makeDemoOutput(1, "era5-map");
  brute = await bruteForce(demo.h3Root, demo.dir);
  server = await startServer(createApp({ store: demo.store, dataRoots: [demo.h3Root] }), {
    port: 0,
    host: "127.0.0.1",
  });
  profile = await mkdtemp(join(tmpdir(), "refs-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 800 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // WebGL without a GPU: chromium's software renderer
      "--use-gl=angle",
      "--use-angle=swiftshader",
      "--enable-unsafe-swiftshader",
    ],
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  brute?.close();
  await demo?.cleanup();
  if (profile) await rm(profile, { recursive: true, force: true });
});

async function cellsAt(time: string): Promise<number> {
  const rows = await brute.rows(`SELECT count(*) FROM data WHERE time = '${time}'`);
  return Number(rows[0]?.[0]);
}

interface PageState {
  ready: boolean;
  busy: number;
  cells: number;
  times: string[];
  cellsRequests: string[];
  errors: string[];
  series?: { cell: string; points: number };
}

const pageState = (page: Page) =>
  page.evaluate(
    "({ ...window.refsMap, renderedCells: undefined, features: undefined })",
  ) as Promise<PageState>;

describe.skipIf(!haveBrowser)("the /map page in chromium", () => {
  it("loads without console errors, draws the cells, follows the slider and shows a cell's series", async () => {
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    const offsite: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(server.url) && !r.url().startsWith("data:") && !r.url().startsWith("blob:"))
        offsite.push(r.url());
    });
    await page.goto(`${server.url}/map`);
    const ready = "window.refsMap && window.refsMap.ready && window.refsMap.busy === 0";
    await page.waitForFunction(`${ready} && window.refsMap.cells > 0`, undefined, { timeout: 60_000 });
    let state = await pageState(page);
    expect(state.errors).toEqual([]);
    expect(state.times).toHaveLength(24); // one day of hourly steps
    expect(state.cells).toBe(await cellsAt(state.times[0]!));
    // the layer drew polygons (at least the cells in view; the map is fitted to the collection's extent)
    await page.waitForFunction("window.refsMap.renderedCells() > 1000", undefined, { timeout: 60_000 });

    // the slider asks for another time
    await page.evaluate(
      "document.getElementById('time').value = '5'; document.getElementById('time').dispatchEvent(new Event('input'))",
    );
    await page.waitForFunction(`${ready} && window.refsMap.cellsRequests.length === 2`, undefined, {
      timeout: 60_000,
    });
    state = await pageState(page);
    expect(state.cellsRequests[1]).toContain(`datetime=${encodeURIComponent(state.times[5]!)}`);
    expect(state.cells).toBe(await cellsAt(state.times[5]!));

    // a click on a cell in the middle of the map shows its values over the day
    const box = (await page.locator("#map canvas").boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction("window.refsMap.series !== undefined", undefined, { timeout: 30_000 });
    state = await pageState(page);
    expect(state.series?.points).toBe(24);
    expect(await page.locator("#series svg path").count()).toBe(1);

    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, "map.png") });
    expect(consoleErrors).toEqual([]);
    expect(offsite).toEqual([]);
  }, 180_000);
});
