import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { LATENCY_SCENARIO, type LatencyStats, startLatencyApi } from "./bench_latency_api.ts";

Deno.test("the latency API answers after its latency, with links, totals and its counts", async () => {
  const api = startLatencyApi(30);
  try {
    const started = performance.now();
    const [parents, children, numbered] = await Promise.all([
      fetch(`${api.url}/parents?page=10`),
      fetch(`${api.url}/parents/7/children`),
      fetch(`${api.url}/pages?page=40`),
    ]);
    ok(performance.now() - started >= 29, "each answer takes the latency");
    equal(parents.headers.get("link"), null, "the last parent page has no next");
    const last = await parents.json();
    equal(last.length, LATENCY_SCENARIO.perPage);
    equal(last.at(-1).id, LATENCY_SCENARIO.parentPages * LATENCY_SCENARIO.perPage);
    deepStrictEqual((await children.json()).map((c: { parent: number }) => c.parent), [7]);
    equal((await numbered.json()).total_pages, LATENCY_SCENARIO.numberedPages);
    const first = await fetch(`${api.url}/parents?page=1`);
    equal(first.headers.get("link"), `<${api.url}/parents?page=2>; rel="next"`);
    await first.body?.cancel();
    const stats = await (await fetch(`${api.url}/_stats`)).json() as LatencyStats;
    deepStrictEqual([stats.requests, stats.peak_in_flight], [4, 3]);
    ok(stats.mean_in_flight > 0 && stats.mean_in_flight <= 3);
    equal(LATENCY_SCENARIO.requests, 250);
  } finally {
    await api.close();
  }
});
