// The /map page: pick a collection, a variable and a time; the cells of that time come from
// /collections/{id}/cells as GeoJSON hexagons, coloured by value; item footprints come from /items.
// window.refsMap holds the page's state, for people debugging and for the browser test.

const RAMP = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"];
const MAX_PAGES = 20;
const state = {
  collection: undefined,
  variable: undefined,
  times: [],
  timeIndex: 0,
  cells: 0,
  footprints: 0,
  cellsRequests: [],
  series: undefined,
  range: undefined,
  step: 3_600_000,
  features: [],
  busy: 0,
  errors: [],
};
window.refsMap = state;
// how many cell polygons the map has drawn in view (the layer's rendered features)
state.renderedCells = () =>
  new Set(map.queryRenderedFeatures({ layers: ["cells"] }).map((f) => f.properties.cell)).size;

const $ = (id) => document.getElementById(id);
const map = new maplibregl.Map({
  container: "map",
  // a blank background: no tile server, no glyphs, works offline
  style: {
    version: 8,
    sources: {},
    layers: [{ id: "background", type: "background", paint: { "background-color": "#eef0f2" } }],
  },
  center: [15, 45],
  zoom: 3,
  attributionControl: false,
});

function status(text) {
  $("status").textContent = text;
}

async function getJson(url) {
  const res = await fetch(url);
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new Error(`${url}: ${res.status} ${body.description ?? ""}`);
  }
  return res.json();
}

/** Every page of a cells or items query, following the next links (at most MAX_PAGES). */
async function allFeatures(url) {
  const features = [];
  let next = url;
  for (let i = 0; next && i < MAX_PAGES; i++) {
    const page = await getJson(next);
    features.push(...page.features);
    next = page.links?.find((l) => l.rel === "next" && !l.method)?.href;
  }
  return features;
}

function variablesOf(collection) {
  const names = new Set();
  for (const key of Object.keys(collection.summaries ?? {})) {
    const m = /^stats:(.+):(min|max|mean)$/.exec(key);
    if (m) names.add(m[1]);
  }
  return [...names];
}

function fill(select, values) {
  select.replaceChildren(
    ...values.map((v) => {
      const o = document.createElement("option");
      o.value = v;
      o.textContent = v;
      return o;
    }),
  );
}

/**
 * The slider's steps: the data's time step is the smallest gap between the times of the first cell's rows in the
 * extent's first week (a day when fewer than two are seen), stepped over the collection's temporal extent.
 */
async function timeSteps(id, collection) {
  const interval = collection.extent?.temporal?.interval?.[0] ?? [];
  const start = Date.parse(interval[0]);
  const end = Date.parse(interval[1]);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return [];
  const week = `${new Date(start).toISOString()}/${new Date(start + 7 * 86_400_000).toISOString()}`;
  const first = await getJson(
    `/collections/${encodeURIComponent(id)}/cells?limit=200&datetime=${encodeURIComponent(week)}`,
  );
  const times = [...new Set(first.features.map((f) => f.properties.time).filter(Boolean))]
    .map(Date.parse)
    .sort((a, b) => a - b);
  if (times.length === 0) return [];
  let step = 86_400_000;
  for (let i = 1; i < times.length; i++)
    if (times[i] > times[i - 1]) step = Math.min(step, times[i] - times[i - 1]);
  state.step = step;
  const out = [];
  for (let t = start; t <= end && out.length < 10_000; t += step) out.push(new Date(t).toISOString());
  return out;
}

async function chooseCollection(id) {
  state.collection = id;
  const collection = await getJson(`/collections/${encodeURIComponent(id)}`);
  const variables = variablesOf(collection);
  fill($("variable"), variables);
  state.variable = variables[0];
  state.times = await timeSteps(id, collection);
  state.timeIndex = 0;
  $("time").max = String(Math.max(0, state.times.length - 1));
  $("time").value = "0";
  $("time").disabled = state.times.length === 0;
  const bbox = collection.extent?.spatial?.bbox?.[0];
  if (bbox)
    map.fitBounds(
      [
        [bbox[0], bbox[1]],
        [bbox[2], bbox[3]],
      ],
      { padding: 20, duration: 0 },
    );
  await draw();
}

/** The slider's step as an interval [t, t + step), so data between the steps is never missed. */
function timeQuery() {
  const t = state.times[state.timeIndex];
  if (!t) return "";
  const end = new Date(Date.parse(t) + state.step - 1).toISOString();
  return `datetime=${encodeURIComponent(t)}${encodeURIComponent(`/${end}`)}`;
}

async function draw() {
  const id = encodeURIComponent(state.collection);
  const when = timeQuery();
  $("time-label").textContent = state.times[state.timeIndex] ?? "no time axis";
  const url = `/collections/${id}/cells?limit=50000${when ? `&${when}` : ""}`;
  state.cellsRequests.push(url);
  state.busy++;
  status("loading cells…");
  try {
    const [cells, items] = await Promise.all([
      allFeatures(url),
      allFeatures(`/collections/${id}/items?limit=1000${when ? `&${when}` : ""}`),
    ]);
    if (url !== state.cellsRequests.at(-1)) return; // a later request superseded this one
    map.getSource("cells").setData({ type: "FeatureCollection", features: cells });
    const footprints = items.filter((i) => i.assets?.data?.type === "application/vnd.apache.parquet");
    map.getSource("footprints").setData({ type: "FeatureCollection", features: footprints });
    state.cells = cells.length;
    state.features = cells;
    state.footprints = footprints.length;
    paint(cells);
    status(`${cells.length} cells, ${footprints.length} files`);
  } catch (e) {
    state.errors.push(String(e));
    status(String(e.message ?? e));
  } finally {
    state.busy--;
  }
}

/** Colour the cells by the chosen variable over this time's range; the legend shows that range. */
function paint(cells) {
  const v = state.variable;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const f of cells) {
    const x = f.properties[v];
    if (typeof x === "number") {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
  }
  if (!(min <= max)) {
    min = 0;
    max = 1;
  }
  if (max === min) max = min + 1e-12;
  state.range = [min, max];
  const stops = RAMP.flatMap((colour, i) => [min + ((max - min) * i) / (RAMP.length - 1), colour]);
  map.setPaintProperty("cells", "fill-color", [
    "case",
    ["==", ["typeof", ["get", v]], "number"],
    ["interpolate", ["linear"], ["get", v], ...stops],
    "#bbbbbb",
  ]);
  $("legend-min").textContent = min.toPrecision(3);
  $("legend-max").textContent = max.toPrecision(3);
}

/** A cell's values over time, as a small SVG line chart. */
async function showSeries(cell) {
  const id = encodeURIComponent(state.collection);
  const rows = await allFeatures(`/collections/${id}/cells?h3=${cell}&limit=50000`);
  const v = state.variable;
  const points = rows
    .filter((f) => typeof f.properties[v] === "number")
    .map((f) => [Date.parse(f.properties.time ?? 0), f.properties[v]]);
  state.series = { cell, points: points.length };
  const box = $("series");
  if (points.length === 0) {
    box.textContent = `${cell}: no values`;
    return;
  }
  const [t0, t1] = [points[0][0], points.at(-1)[0]];
  const ys = points.map((p) => p[1]);
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const x = (t) => 5 + (290 * (t - t0)) / Math.max(1, t1 - t0);
  const y = (val) => 150 - (140 * (val - y0)) / Math.max(1e-12, y1 - y0);
  const path = points.map((p, i) => `${i ? "L" : "M"}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join("");
  box.innerHTML = "";
  const title = document.createElement("div");
  title.textContent = `${cell}: ${v} from ${y0.toPrecision(3)} to ${y1.toPrecision(3)} (${points.length} values)`;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 300 160");
  const line = document.createElementNS("http://www.w3.org/2000/svg", "path");
  line.setAttribute("d", path);
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", "#21918c");
  line.setAttribute("stroke-width", "1.5");
  svg.append(line);
  box.append(title, svg);
}

map.on("load", async () => {
  map.addSource("cells", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
  map.addSource("footprints", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
  map.addLayer({
    id: "cells",
    type: "fill",
    source: "cells",
    paint: { "fill-color": "#bbbbbb", "fill-opacity": 0.85 },
  });
  map.addLayer({
    id: "footprints",
    type: "line",
    source: "footprints",
    paint: { "line-color": "#d62728", "line-width": 1 },
  });
  map.on("click", "cells", (e) => {
    const cell = e.features?.[0]?.properties?.cell;
    if (cell) showSeries(cell).catch((err) => state.errors.push(String(err)));
  });
  try {
    const { collections } = await getJson("/collections");
    const withCells = collections.filter((c) => (c.summaries?.["h3:resolution"] ?? []).length > 0);
    fill(
      $("collection"),
      withCells.map((c) => c.id),
    );
    $("collection").onchange = () => chooseCollection($("collection").value);
    $("variable").onchange = () => {
      state.variable = $("variable").value;
      paint(state.features);
    };
    $("time").oninput = () => {
      state.timeIndex = Number($("time").value);
      draw();
    };
    if (withCells[0]) await chooseCollection(withCells[0].id);
    else status("no collection with H3 cells");
  } catch (e) {
    state.errors.push(String(e));
    status(String(e.message ?? e));
  }
  state.ready = true;
});
