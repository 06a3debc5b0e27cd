/**
 * The dashboard page: one HTML document with inline CSS, vanilla JS and an SVG chart drawn in
 * the browser. No build step and no CDN, so it works offline.
 *
 * @module
 */

const STYLE = `
:root { --fg: #1d2433; --muted: #667085; --line: #e4e7ec; --accent: #3461c1; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: #f7f8fa; }
header { display: flex; gap: 1rem; align-items: center; padding: .75rem 1.25rem;
  background: #fff; border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.1rem; margin: 0; }
main { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; padding: 1rem 1.25rem; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem;
  overflow: auto; }
section.wide { grid-column: 1 / -1; }
h2 { font-size: 1rem; margin: 0 0 .5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .2rem .5rem; border-bottom: 1px solid var(--line);
  font-variant-numeric: tabular-nums; white-space: nowrap; }
th { color: var(--muted); font-weight: 600; }
td.num { text-align: right; }
.muted { color: var(--muted); }
.bad { color: var(--bad); }
.tag { display: inline-block; padding: 0 .35rem; margin-right: .2rem; border-radius: 3px;
  background: #eef2ff; color: var(--accent); font-size: 12px; }
.tag.variant { background: #fff4e5; color: #b54708; }
ul.tree { list-style: none; padding-left: 1rem; margin: .25rem 0; }
ul.tree > li > details > summary { cursor: pointer; font-weight: 600; }
textarea { width: 100%; min-height: 5rem; font: 13px ui-monospace, monospace; }
button { padding: .3rem .9rem; background: var(--accent); color: #fff; border: 0;
  border-radius: 4px; cursor: pointer; }
#error { white-space: pre-wrap; }
#versions td:last-child { white-space: normal; }
`;

const SCRIPT = `
const $ = (id) => document.getElementById(id);
const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
let current;

// The token comes in the URL's fragment, which no request carries; the page keeps it in its
// session storage (a reload still works) and takes it out of the address bar.
const TOKEN = (() => {
  const given = new URLSearchParams(location.hash.slice(1)).get("token");
  if (given) {
    sessionStorage.setItem("dltx-token", given);
    history.replaceState(null, "", location.pathname + location.search);
  }
  return given || sessionStorage.getItem("dltx-token") || "";
})();

async function api(path, init = {}) {
  const headers = { ...init.headers, authorization: "Bearer " + TOKEN };
  const res = await fetch(path, { ...init, headers });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? res.statusText);
  return body;
}

function grid(columns, rows) {
  return "<table><thead><tr>" + columns.map((c) => "<th>" + esc(c) + "</th>").join("") +
    "</tr></thead><tbody>" + rows.map((r) => "<tr>" + r.map((v) =>
      "<td" + (typeof v === "number" ? " class=num" : "") + ">" +
      esc(v !== null && typeof v === "object" ? JSON.stringify(v) : v) + "</td>").join("") +
    "</tr>").join("") + "</tbody></table>";
}

async function showOverview(name) {
  const o = await api("/api/pipelines/" + encodeURIComponent(name));
  const run = o.lastRun;
  let html = "<p>Dataset <b>" + esc(o.dataset) + "</b> on " + esc(o.destination) +
    " <span class=muted>" + esc(o.location) + "</span></p>";
  if (o.destinationError) html += "<p class=bad>" + esc(o.destinationError) + "</p>";
  if (run) {
    html += "<p>Last run: <b class=" + (["completed", "loaded"].includes(run.status) ? "" : "bad") + ">" +
      esc(run.status) + "</b>, load " + esc(run.load_id) + ", " +
      (run.seconds === undefined ? "" : run.seconds.toFixed(2) + " s") + "</p>";
    for (const e of run.errors) html += "<p class=bad>" + esc(e) + "</p>";
  }
  html += "<h3>Tables</h3><table id=tables><thead><tr><th>table</th><th>rows</th>" +
    "<th>rows last run</th></tr></thead><tbody>" + o.tables.map((t) =>
      "<tr data-table='" + esc(t.name) + "'><td>" + esc(t.name) + "</td><td class=num>" + t.rows +
      "</td><td class=num>" + esc(run?.rowCounts?.[t.name] ?? "") + "</td></tr>").join("") +
    "</tbody></table>";
  html += "<h3>Loads</h3>" + grid(["load_id", "schema", "status", "inserted_at"],
    o.loads.map((l) => [l.load_id, l.schema_name, l.status === 0 ? "loaded" : l.status,
      l.inserted_at]));
  $("overview").innerHTML = html;
  if (!$("sql").value && o.dataset && o.tables.length) {
    $("sql").value = "SELECT * FROM " + o.dataset + "." + o.tables[0].name;
  }
}

function tableTree(t) {
  const cols = t.columns.map((c) => [c.name, c.data_type, c.nullable ? "yes" : "no",
    c.hints.map((h) => "<span class=tag>" + esc(h) + "</span>").join("") +
    (c.variant ? "<span class='tag variant'>variant</span>" : "")]);
  const rows = cols.map((r) => "<tr><td>" + esc(r[0]) + "</td><td>" + esc(r[1]) + "</td><td>" +
    r[2] + "</td><td>" + r[3] + "</td></tr>").join("");
  return "<li><details open><summary>" + esc(t.name) +
    (t.write_disposition ? " <span class=muted>" + esc(t.write_disposition) + "</span>" : "") +
    "</summary><table><thead><tr><th>column</th><th>type</th><th>nullable</th><th>hints</th>" +
    "</tr></thead><tbody>" + rows + "</tbody></table>" +
    (t.children.length ? "<ul class=tree>" + t.children.map(tableTree).join("") + "</ul>" : "") +
    "</details></li>";
}

async function showSchema(name) {
  const [s, v] = await Promise.all([
    api("/api/pipelines/" + encodeURIComponent(name) + "/schema"),
    api("/api/pipelines/" + encodeURIComponent(name) + "/versions").catch(() => ({ versions: [] })),
  ]);
  $("schema").innerHTML = s.schemas.map((sc) => "<p><b>" + esc(sc.name) + "</b> version " +
    sc.version + " <span class=muted>" + esc(sc.version_hash) + "</span></p><ul class=tree>" +
    sc.tables.map(tableTree).join("") + "</ul>").join("") || "<p class=muted>No schema yet</p>";
  $("versions").innerHTML = grid(["schema", "version", "inserted_at", "added"],
    v.versions.map((x) => [x.schema_name, x.version, x.inserted_at,
      [...x.added_tables.map((t) => "table " + t), ...x.added_columns].join(", ")]));
}

async function showChart(name) {
  const c = await api("/api/pipelines/" + encodeURIComponent(name) + "/chart");
  const colors = ["#3461c1", "#12b76a", "#f79009", "#d444f1", "#06aed4", "#f04438"];
  const totals = c.loads.map((l) => c.tables.reduce((s, t) => s + (t.rows[l] ?? 0), 0));
  const max = Math.max(1, ...totals);
  // Labels are the loads' times, slanted so that neighbours never overlap; the id is the tooltip.
  const w = 60, gap = 24, h = 180, left = 60, labels = 70;
  const when = (load) => {
    const t = new Date(Number(load) * 1000);
    return isNaN(t.getTime()) ? load : t.toISOString().slice(5, 19).replace("T", " ");
  };
  let svg = "";
  c.loads.forEach((load, i) => {
    let y = h;
    c.tables.forEach((t, k) => {
      const n = t.rows[load] ?? 0;
      const bh = (n / max) * (h - 20);
      y -= bh;
      if (n > 0) {
        svg += "<rect x=" + (left + i * (w + gap)) + " y=" + y + " width=" + w + " height=" + bh +
          " fill='" + colors[k % colors.length] + "'><title>" + esc(t.name) + ": " + n +
          " rows</title></rect>";
      }
    });
    const lx = left + i * (w + gap) + w / 2, ly = h + 12;
    svg += "<text x=" + lx + " y=" + ly + " transform='rotate(-35 " + lx + " " + ly + ")'" +
      " font-size=10 text-anchor=end><title>load " + esc(load) + "</title>" + esc(when(load)) +
      "</text>" +
      "<text x=" + (left + i * (w + gap) + w / 2) + " y=" + (y - 4) +
      " font-size=11 text-anchor=middle>" + totals[i] + "</text>";
  });
  const width = left + c.loads.length * (w + gap) + 10;
  $("chart").innerHTML = (c.loads.length ? "<svg width=" + width + " height=" + (h + labels) +
    " role=img aria-label='rows loaded per run'>" + svg + "</svg>" : "<p class=muted>No loads</p>") +
    "<p>" + c.tables.map((t, k) => "<span class=tag style='color:#fff;background:" +
      colors[k % colors.length] + "'>" + esc(t.name) + "</span>").join("") + "</p>";
}

async function runQuery() {
  $("error").textContent = "";
  $("result").innerHTML = "<p class=muted>Running...</p>";
  try {
    const r = await api("/api/pipelines/" + encodeURIComponent(current) + "/query", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sql: $("sql").value }),
    });
    $("result").innerHTML = "<p class=muted>" + r.rows.length + " row(s)" +
      (r.limited ? ", limited to the first " + r.limit : "") + "</p>" + grid(r.columns, r.rows);
  } catch (err) {
    $("result").innerHTML = "";
    $("error").textContent = err.message;
  }
}

async function show(name) {
  current = name;
  $("title").textContent = name;
  const parts = [showOverview(name), showSchema(name), showChart(name)];
  for (const p of await Promise.allSettled(parts)) {
    if (p.status === "rejected") $("error").textContent = p.reason.message;
  }
  document.body.dataset.loaded = name;
}

async function start() {
  const { pipelines, single } = await api("/api/pipelines");
  const picker = $("picker");
  picker.innerHTML = pipelines.map((p) => "<option>" + esc(p) + "</option>").join("");
  picker.hidden = single;
  picker.onchange = () => show(picker.value);
  $("run").onclick = runQuery;
  $("sql").onkeydown = (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) runQuery(); };
  if (pipelines.length) await show(pipelines[0]);
  else $("overview").innerHTML = "<p class=muted>No pipelines yet: run one with dltx run</p>";
}
start().catch((err) => { $("error").textContent = err.message; });
`;

/**
 * What the page may load and run: its own inline script and style, requests to its own
 * origin, and no framing by other pages.
 */
export const DASHBOARD_CSP = "default-src 'none'; script-src 'unsafe-inline'; " +
  "style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";

/** The whole dashboard page. */
export const DASHBOARD_PAGE: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dltx dashboard</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header><h1>dltx &middot; <span id="title"></span></h1><select id="picker"></select></header>
<main>
<section id="state"><h2>State and last runs</h2><div id="overview"></div></section>
<section><h2>Rows loaded per run and table</h2><div id="chart"></div></section>
<section class="wide"><h2>SQL explorer</h2>
<textarea id="sql" spellcheck="false"></textarea>
<p><button id="run">Run</button> <span class="muted">read-only; Ctrl+Enter runs</span></p>
<div id="error" class="bad"></div><div id="result"></div></section>
<section><h2>Schema</h2><div id="schema"></div></section>
<section><h2>Schema versions</h2><div id="versions"></div></section>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
