import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { DataError } from "../errors.ts";
import { isFloatToken, parseJson } from "../json/mod.ts";
import { prng, randomSpec, visible, writeSpec } from "../json/_testing.ts";
import { readJsonLines } from "./_json_lines.ts";

const encoder = new TextEncoder();

function streamOf(...chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  return ReadableStream.from(chunks.map((c) => typeof c === "string" ? encoder.encode(c) : c));
}

async function readAll(stream: ReadableStream<Uint8Array>, name = "stdin") {
  const values: unknown[] = [];
  const lines: number[] = [];
  let batches = 0;
  for await (const batch of readJsonLines(stream, { name })) {
    batches++;
    values.push(...batch.values);
    lines.push(...batch.lines);
  }
  return { values, lines, batches };
}

async function gzip(text: string): Promise<Uint8Array> {
  const compressed = streamOf(text).pipeThrough(
    new CompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
  );
  return new Uint8Array(await new Response(compressed).arrayBuffer());
}

Deno.test("readJsonLines() parses one value per line, skipping blank lines", async () => {
  const { values, lines } = await readAll(streamOf('{"a":1}\n\n  \n[2]\r\n"x"\n3'));
  deepEqual(values, [{ a: 1 }, [2], "x", 3]);
  deepEqual(lines, [1, 4, 5, 6]);
});

Deno.test("readJsonLines() joins lines split across chunks, multi-byte UTF-8 included", async () => {
  const bytes = encoder.encode('{"name":"Zoë 🦕"}\n{"n":2}\n');
  // Split inside "ë" (2 bytes), inside the emoji (4 bytes) and right before a newline.
  const cuts = [1, 11, 13, 15, 16, 20, bytes.length - 1];
  const chunks: Uint8Array[] = [];
  let prev = 0;
  for (const cut of cuts) {
    chunks.push(bytes.slice(prev, cut));
    prev = cut;
  }
  chunks.push(bytes.slice(prev));
  const { values, lines } = await readAll(streamOf(...chunks));
  deepEqual(values, [{ name: "Zoë 🦕" }, { n: 2 }]);
  deepEqual(lines, [1, 2]);
});

Deno.test("readJsonLines() yields one batch per chunk and keeps a long line whole", async () => {
  const long = JSON.stringify({ text: "x".repeat(100_000) });
  const pieces = long.match(/.{1,1000}/g)!;
  const { values, batches } = await readAll(streamOf('{"a":1}\n', ...pieces, "\n", '{"b":2}\n'));
  equal(values.length, 3);
  equal((values[1] as { text: string }).text.length, 100_000);
  equal(batches, 3);
});

Deno.test("readJsonLines() names the line and the input of malformed JSON", async () => {
  await rejects(
    readAll(streamOf('{"a":1}\n{"a":2}\n{"a": x}\n'), "data/x.jsonl"),
    (err: unknown) => {
      ok(err instanceof DataError);
      equal(
        err.message,
        "Line 3 of data/x.jsonl is not valid JSON: Unexpected token 'x' at column 7",
      );
      return true;
    },
  );
  await rejects(readAll(streamOf('{"a":1}\n{"a":1', "\n")), {
    name: "DataError",
    message:
      "Line 2 of stdin is not valid JSON: Expected ',' or '}' after property value at column 7",
  });
});

Deno.test("readJsonLines() fails on a last line cut short", async () => {
  await rejects(readAll(streamOf('{"a":1}\n{"a":')), /^DataError: Line 2 of stdin is not valid/);
});

Deno.test("readJsonLines() gunzips gzip input, whatever its name", async () => {
  const text = Array.from({ length: 500 }, (_, i) => JSON.stringify({ id: i })).join("\n");
  const compressed = await gzip(text + "\n");
  // The magic bytes arrive in separate chunks.
  const { values } = await readAll(streamOf(compressed.slice(0, 1), compressed.slice(1)));
  equal(values.length, 500);
  deepEqual(values[499], { id: 499 });
});

Deno.test("readJsonLines() reports a corrupt gzip stream as a DataError", async () => {
  const compressed = await gzip('{"a":1}\n'.repeat(100));
  const broken = compressed.slice(0, 20);
  await rejects(readAll(streamOf(broken), "x.jsonl.gz"), /^DataError: Cannot gunzip x\.jsonl\.gz/);
});

Deno.test("readJsonLines() rejects input that is not UTF-8", async () => {
  await rejects(
    readAll(streamOf('{"a":1}\n', new Uint8Array([0x22, 0xff, 0x22, 0x0a]))),
    { name: "DataError", message: "stdin is not valid UTF-8 (after line 1)" },
  );
});

Deno.test("readJsonLines() of an empty input yields nothing", async () => {
  deepEqual((await readAll(streamOf())).values, []);
  deepEqual((await readAll(streamOf("\n\n"))).values, []);
});

Deno.test("readJsonLines() cancels the input when the consumer stops early", async () => {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(encoder.encode('{"a":1}\n'));
    },
    cancel() {
      cancelled = true;
    },
  });
  for await (const _ of readJsonLines(stream, { name: "stdin" })) break;
  equal(cancelled, true);
});

Deno.test("readJsonLines() stops waiting on an idle input when aborted", async () => {
  const controller = new AbortController();
  let cancelled = false;
  const idle = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(encoder.encode('{"a":1}\n'));
    },
    cancel() {
      cancelled = true;
    },
  });
  const batches = readJsonLines(idle, { name: "stdin", signal: controller.signal });
  deepEqual((await batches.next()).value?.values, [{ a: 1 }]);
  const pending = batches.next();
  controller.abort(new Error("interrupted"));
  await rejects(pending, { message: "interrupted" });
  equal(cancelled, true);
});

Deno.test("readJsonLines() reads numbers exactly, in whole lines and in lines split across chunks", async () => {
  const text =
    '{"id":9007199254740993,"f":1.0}\n{"id":1}\n12345678901234567890\n{"id":-9223372036854775808}\n';
  for (const cut of [0, 5, 20, 40, 60, text.length - 3]) {
    const { values } = await readAll(streamOf(text.slice(0, cut), text.slice(cut)));
    deepEqual(values.map((v) => typeof v === "object" ? (v as { id: unknown }).id : v), [
      9007199254740993n,
      1,
      12345678901234567890n,
      -9223372036854775808n,
    ]);
    ok(isFloatToken(values[0] as object, "f"), `cut at ${cut}`);
    equal(isFloatToken(values[1] as object, "f"), false);
  }
  const { values } = await readAll(streamOf(await gzip(text)));
  equal((values[0] as { id: unknown }).id, 9007199254740993n);
});

Deno.test("readJsonLines() reads generated lines as parseJson reads each, in any chunking", async () => {
  const rand = prng(8086);
  for (let n = 0; n < 150; n++) {
    const lines = Array.from(
      { length: 1 + Math.floor(rand() * 12) },
      () => writeSpec(randomSpec(rand, 3), rand, false),
    );
    const text = lines.join(rand() < 0.5 ? "\n" : "\r\n") + "\n";
    // Cut the text anywhere, several times (risky tokens, strings and lines across chunks).
    const cuts = Array.from({ length: 3 }, () => Math.floor(rand() * text.length)).sort((
      a,
      b,
    ) => a - b);
    const chunks = [0, ...cuts].map((at, i, all) => text.slice(at, all[i + 1] ?? text.length));
    const { values, lines: numbers } = await readAll(streamOf(...chunks));
    deepEqual(visible(values), visible(lines.map((line) => parseJson(line.trim()))), text);
    deepEqual(numbers, lines.map((_, i) => i + 1));
  }
});

Deno.test("readJsonLines() reads look-alikes in strings beside real tokens, and names a bad line among risky ones", async () => {
  const good = [
    '{"id": 12345678901234567890, "note": "a, 1.0, b"}',
    '{"payload": "{\\"v\\": 2.0}", "v": 2.0}',
    "12345678901234567891",
    '["x", 1e3]',
  ];
  const { values } = await readAll(streamOf(good.join("\n") + "\n"));
  deepEqual(visible(values), visible(good.map((line) => parseJson(line))));
  equal((values[0] as { id: bigint }).id, 12345678901234567890n);
  equal((values[1] as { payload: string }).payload, '{"v": 2.0}');
  ok(isFloatToken(values[1] as object, "v"));
  await rejects(
    readAll(
      streamOf(good[0] + "\n" + '{"id": 12345678901234567892, "x": }' + "\n" + good[2] + "\n"),
    ),
    (err: Error) =>
      err instanceof DataError && /^Line 2 of stdin is not valid JSON/.test(err.message),
  );
});
