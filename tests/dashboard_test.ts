/**
 * The dashboard end to end: a real run, `dltx pipeline <name> show --no-open` spawned as the
 * CLI, and the page driven in Debian's headless Chromium through playwright-core. The
 * screenshot is kept in tests/artifacts/dashboard.png.
 */
import { equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { json, REPO, serve, tempProject } from "./_helpers.ts";

const CHROMIUM = "/usr/bin/chromium";

function shopConnector(base: string) {
  return {
    name: "shop",
    client: { base_url: base, paginator: "single_page" },
    resources: ["items", "tags"],
  };
}

function shopApi(req: Request): Response {
  const url = new URL(req.url);
  if (url.pathname === "/items") {
    return json([
      { id: 1, name: "a", tags: [{ t: "x" }, { t: "y" }], v: 1 },
      { id: 2, name: "b", tags: [], v: "text" },
      { id: 3, name: "c", tags: [{ t: "z" }], v: 3 },
    ]);
  }
  return json([{ tag: "x" }, { tag: "y" }]);
}

/** Reads stdout until the dashboard prints its URL (with the token in its fragment). */
async function readUrl(stdout: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`dashboard exited before printing its URL: ${text}`);
    text += value;
    const m = text.match(/http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}\b/);
    if (m) {
      reader.releaseLock();
      return m[0];
    }
  }
}

/** `dltx pipeline <name> show --no-open` in the project, and a headless Chromium. */
async function openDashboard(dir: string, env: Record<string, string>, name: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      join(REPO, "deno.json"),
      join(REPO, "main.ts"),
      "pipeline",
      name,
      "show",
      "--no-open",
    ],
    cwd: dir,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const userDataDir = await Deno.makeTempDir({ prefix: "dltx_chromium_" });
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  return {
    url: await readUrl(child.stdout),
    browser,
    async [Symbol.asyncDispose]() {
      await browser.close();
      child.kill("SIGINT");
      await child.status;
      await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
    },
  };
}

Deno.test({
  name: "dashboard chart: rows each run loaded, replace tables too; run labels never overlap",
  ignore: !(await Deno.stat(CHROMIUM).then(() => true, () => false)),
  async fn() {
    await using api = serve(shopApi);
    await using p = await tempProject();
    const connector = await p.writeConnector({
      ...shopConnector(api.url),
      resources: ["items", { name: "tags", write_disposition: "replace" }],
    });
    for (let run = 0; run < 4; run++) equal((await p.dltx(["run", connector])).code, 0);
    await using dashboard = await openDashboard(p.dir, p.env, "shop_pipeline");
    const page = await dashboard.browser.newPage();
    await page.goto(dashboard.url);
    await page.waitForSelector("#chart svg");
    // Every run loaded 2 tags: a replace later emptied the table, not what the run loaded.
    const bars = await page.locator("#chart svg rect title").allTextContents();
    equal(bars.filter((t) => t === "tags: 2 rows").length, 4, bars.join(", "));
    equal(bars.filter((t) => t === "items: 3 rows").length, 4, bars.join(", "));
    // The labels under the bars: one per run, no two overlapping, all inside the chart.
    const boxes = await page.locator("#chart svg text[transform]").evaluateAll((els) =>
      els.map((el) => el.getBoundingClientRect().toJSON())
    );
    const svg = await page.locator("#chart svg").evaluate((el) =>
      el.getBoundingClientRect().toJSON()
    );
    equal(boxes.length, 4);
    for (let i = 1; i < boxes.length; i++) {
      const [a, b] = [boxes[i - 1], boxes[i]];
      const overlap = a.right > b.left && b.right > a.left && a.bottom > b.top && b.bottom > a.top;
      equal(overlap, false, `labels ${i - 1} and ${i} overlap: ${JSON.stringify([a, b])}`);
    }
    for (const box of boxes) {
      ok(box.left >= svg.left && box.bottom <= svg.bottom, JSON.stringify({ box, svg }));
    }
  },
});

Deno.test({
  name: "dashboard shows tables with row counts, runs a query and shows a bad query's error",
  ignore: !(await Deno.stat(CHROMIUM).then(() => true, () => false)),
  async fn() {
    await using api = serve(shopApi);
    await using p = await tempProject();
    const connector = await p.writeConnector(shopConnector(api.url));
    const run = await p.dltx(["run", connector]);
    equal(run.code, 0, run.stderr);

    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--config",
        join(REPO, "deno.json"),
        join(REPO, "main.ts"),
        "pipeline",
        "shop_pipeline",
        "show",
        "--no-open",
      ],
      cwd: p.dir,
      env: p.env,
      clearEnv: true,
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const userDataDir = await Deno.makeTempDir({ prefix: "dltx_chromium_" });
    const browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const url = await readUrl(child.stdout);
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForSelector("body[data-loaded=shop_pipeline]");
      equal(await page.textContent("#title"), "shop_pipeline");
      // The token left the address bar; a reload still works (the page kept it).
      equal(page.url(), url.replace(/#.*/, ""));
      await page.reload();
      await page.waitForSelector("body[data-loaded=shop_pipeline]");

      // A new tab without the token (session storage is per tab) gets the page, not the data.
      const other = await browser.newPage();
      await other.goto(url.replace(/#.*/, ""));
      await other.waitForSelector("#error:not(:empty)");
      match(await other.textContent("#error") ?? "", /needs the token/);
      equal(await other.textContent("#overview"), "");
      await other.close();

      // The tables of the run with their row counts.
      const count = (table: string) =>
        page.textContent(`#tables tr[data-table="${table}"] td:nth-child(2)`);
      equal(await count("items"), "3");
      equal(await count("items__tags"), "3");
      equal(await count("tags"), "2");
      // The schema marks the variant column; the chart has a bar per run.
      ok((await page.textContent("#schema"))?.includes("v__v_text"));
      equal(await page.locator("#schema .tag.variant").count(), 1);
      ok(await page.locator("#chart svg rect").count() >= 1);

      // A query and its result grid.
      await page.fill("#sql", "SELECT name FROM shop_pipeline_dataset.items ORDER BY id");
      await page.click("#run");
      await page.waitForSelector("#result table");
      const names = await page.locator("#result tbody td").allTextContents();
      equal(names.join(","), "a,b,c");
      equal(await page.textContent("#error"), "");

      await Deno.mkdir(join(REPO, "tests", "artifacts"), { recursive: true });
      await page.screenshot({
        path: join(REPO, "tests", "artifacts", "dashboard.png"),
        fullPage: true,
      });

      // A bad query shows DuckDB's error.
      await page.fill("#sql", "SELECT nope FROM shop_pipeline_dataset.items");
      await page.click("#run");
      await page.waitForSelector("#error:not(:empty)");
      match(await page.textContent("#error") ?? "", /nope/);
      equal(await page.locator("#result table").count(), 0);

      // A statement that is not a read shows the refusal, naming what is allowed.
      await page.fill("#sql", `COPY (SELECT 1) TO '${p.path("copied.csv")}'`);
      await page.click("#run");
      await page.locator("#error", { hasText: "read-only" }).waitFor();
      match(await page.textContent("#error") ?? "", /COPY is not allowed\. Use SELECT/);
      equal(await Deno.stat(p.path("copied.csv")).then(() => true, () => false), false);
    } finally {
      await browser.close();
      child.kill("SIGINT");
      await child.status;
      await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
    }
  },
});
