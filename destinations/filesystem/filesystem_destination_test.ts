import { deepStrictEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { join } from "node:path";
import { ConfigError, InternalError, UserError } from "../../core/errors.ts";
import { decompressState } from "../../core/pipeline/mod.ts";
import { memoryLogger } from "../../core/log.ts";
import { toStoredSchema } from "../../core/schema/mod.ts";
import { FilesystemDestination } from "./filesystem_destination.ts";
import type { FileFormat } from "./_sql.ts";
import {
  CHILD_SYS,
  col,
  deps,
  duckdbRows,
  type Env,
  NOW,
  ROOT_SYS,
  schemaOf,
  tableOf,
  withEnv,
} from "./_testing.ts";

const ITEMS = tableOf("items", [
  col("id", "bigint", false),
  col("name", "text"),
  col("price", "double"),
  col("active", "bool"),
  col("created_at", "timestamp"),
  col("day", "date"),
  col("meta", "json"),
  col("amount", "decimal"),
  ...ROOT_SYS,
]);
const TAGS = tableOf("items__tags", [col("value", "text"), ...CHILD_SYS], { parent: "items" });
const SCHEMA = schemaOf(1, ITEMS, TAGS);

const ITEM_ROWS = [
  {
    id: 1,
    name: 'ä "quoted", with comma\nand newline',
    price: 1.5,
    active: true,
    created_at: "2024-01-02T05:04:05+02:00",
    day: "2024-05-06",
    meta: { a: [1, { b: null }], s: "x" },
    amount: 12.345678901,
    _dlt_load_id: "1718131187.000001",
    _dlt_id: "r1",
  },
  {
    id: 2,
    name: "",
    price: 2,
    active: false,
    created_at: "2024-01-02T03:04:05.123456Z",
    meta: [1, "two"],
    _dlt_load_id: "1718131187.000001",
    _dlt_id: "r2",
  },
  { id: 3, _dlt_load_id: "1718131187.000001", _dlt_id: "r3" },
];
const TAG_ROWS = [
  { value: "x", _dlt_parent_id: "r1", _dlt_list_idx: 0, _dlt_id: "t1" },
  { value: "y", _dlt_parent_id: "r1", _dlt_list_idx: 1, _dlt_id: "t2" },
];

/** The rows of `ITEM_ROWS` as typed DuckDB values (what a typed read gives back). */
const TYPED_ITEMS = [
  {
    id: 1,
    name: ITEM_ROWS[0].name,
    price: 1.5,
    active: true,
    created_at: new Date("2024-01-02T03:04:05Z"),
    day: new Date("2024-05-06T00:00:00Z"),
    meta: '{"a":[1,{"b":null}],"s":"x"}',
    amount: 12.345678901,
    _dlt_load_id: "1718131187.000001",
    _dlt_id: "r1",
  },
  {
    id: 2,
    name: "",
    price: 2,
    active: false,
    created_at: new Date("2024-01-02T03:04:05.123Z"),
    day: null,
    meta: '[1,"two"]',
    amount: null,
    _dlt_load_id: "1718131187.000001",
    _dlt_id: "r2",
  },
  {
    id: 3,
    name: null,
    price: null,
    active: null,
    created_at: null,
    day: null,
    meta: null,
    amount: null,
    _dlt_load_id: "1718131187.000001",
    _dlt_id: "r3",
  },
];

const ITEM_TYPES = [
  ["id", "BIGINT"],
  ["name", "VARCHAR"],
  ["price", "DOUBLE"],
  ["active", "BOOLEAN"],
  ["created_at", "TIMESTAMP WITH TIME ZONE"],
  ["day", "DATE"],
  ["meta", "JSON"],
  ["amount", "DECIMAL(38,9)"],
  ["_dlt_load_id", "VARCHAR"],
  ["_dlt_id", "VARCHAR"],
];

const LOAD_1 = "1718131187.000001";
const LOAD_2 = "1718131200.000002";

function destinationFor(env: Env, fileFormat: FileFormat = "parquet", layout?: string) {
  return new FilesystemDestination({ bucketUrl: env.bucket, fileFormat, layout, deps });
}

/** Rows of `shop_dataset.items`, read through the destination's views. */
async function itemCount(destination: FilesystemDestination): Promise<number> {
  const [{ n }] = await destination.query("SELECT count(*) AS n FROM shop_dataset.items");
  return Number(n);
}

async function loadItems(env: Env, destination: FilesystemDestination, loadId = LOAD_1) {
  const jobs = [await env.job("items", ITEM_ROWS), await env.job("items__tags", TAG_ROWS)];
  await destination.load(env.request(loadId, SCHEMA, jobs));
  return jobs;
}

/** `DESCRIBE` of a query as [name, type] pairs. */
async function describe(sql: string): Promise<string[][]> {
  const rows = await duckdbRows(`DESCRIBE ${sql}`);
  return rows.map((r) => [String(r.column_name), String(r.column_type)]);
}

async function describeView(destination: FilesystemDestination, view: string) {
  const rows = await destination.query(`DESCRIBE ${view}`);
  return rows.map((r) => [String(r.column_name), String(r.column_type)]);
}

Deno.test("FilesystemDestination reports file:///abs location and validates its options", () => {
  const destination = new FilesystemDestination({ bucketUrl: "/data/lake" });
  equal(destination.type, "filesystem");
  equal(destination.location, "file:///data/lake");
  equal(destination.fileFormat, "parquet");
  equal(destination.layout, "{table_name}/{load_id}.{file_id}.{ext}");
  equal(
    new FilesystemDestination({ bucketUrl: "file:///data/my%20lake" }).bucketPath,
    "/data/my lake",
  );
  equal(new FilesystemDestination({ bucketUrl: "lake" }).location, `file://${Deno.cwd()}/lake`);
  throws(
    () => new FilesystemDestination({ bucketUrl: "s3://bucket/path" }),
    (err: Error) =>
      err instanceof ConfigError && err.message.includes("s3://") &&
      err.message.includes("only local paths and file:// URLs are supported"),
  );
  throws(
    () => new FilesystemDestination({ bucketUrl: "/x", fileFormat: "avro" as FileFormat }),
    (err: Error) => err instanceof ConfigError && /"avro".*parquet, jsonl, csv/.test(err.message),
  );
  throws(
    () => new FilesystemDestination({ bucketUrl: "/x", layout: "{load_id}.{ext}" }),
    ConfigError,
  );
});

/** A data file's text, gunzipped when its name ends in `.gz`. */
async function fileText(path: string): Promise<string> {
  if (!path.endsWith(".gz")) return await Deno.readTextFile(path);
  const file = await Deno.open(path);
  return await new Response(file.readable.pipeThrough(new DecompressionStream("gzip"))).text();
}

const CASES = [
  { format: "parquet", ext: "parquet" },
  { format: "jsonl", ext: "jsonl.gz" },
  { format: "csv", ext: "csv.gz" },
  { format: "jsonl", ext: "jsonl", disableCompression: true },
  { format: "csv", ext: "csv", disableCompression: true },
] as const;

for (const { format, ext, ...options } of CASES) {
  Deno.test(`FilesystemDestination round trips every data type as .${ext}`, async () => {
    await withEnv(async (env) => {
      const destination = new FilesystemDestination({
        bucketUrl: env.bucket,
        fileFormat: format,
        deps,
        ...options,
      });
      try {
        const [items, tags] = await loadItems(env, destination);
        const itemsFile = join(env.dataset, "items", `${LOAD_1}.${items.fileId}.${ext}`);
        const files = await env.files();
        ok(files.includes(`shop_dataset/items/${LOAD_1}.${items.fileId}.${ext}`), `${files}`);
        ok(files.includes(`shop_dataset/items__tags/${LOAD_1}.${tags.fileId}.${ext}`));
        if (ext.endsWith(".gz")) {
          // Really gzip, as the name says (dlt's readers go by the name).
          const head = (await Deno.readFile(itemsFile)).subarray(0, 2);
          deepStrictEqual([...head], [0x1f, 0x8b]);
        }
        ok(!files.some((f) => f.endsWith(".tmp")), `${files}`);

        // The files as any engine reads them.
        if (format === "parquet") {
          deepStrictEqual(await describe(`SELECT * FROM read_parquet('${itemsFile}')`), ITEM_TYPES);
          deepStrictEqual(
            await duckdbRows(`SELECT * FROM read_parquet('${itemsFile}') ORDER BY id`),
            TYPED_ITEMS,
          );
        } else if (format === "jsonl") {
          const lines = (await fileText(itemsFile)).trimEnd().split("\n");
          const first = JSON.parse(lines[0]);
          // Python's isoformat() of the UTC value, as in dlt's files.
          equal(first.created_at, "2024-01-02T03:04:05+00:00");
          deepStrictEqual(first.meta, ITEM_ROWS[0].meta);
          equal(first.name, ITEM_ROWS[0].name);
          equal(JSON.parse(lines[1]).created_at, "2024-01-02T03:04:05.123456+00:00");
          // NULL values are left out of the row, as in dlt's files.
          equal(lines[2], '{"id":3,"_dlt_load_id":"1718131187.000001","_dlt_id":"r3"}');
        } else {
          const text = await fileText(itemsFile);
          ok(
            text.startsWith(
              "id,name,price,active,created_at,day,meta,amount,_dlt_load_id,_dlt_id\n",
            ),
          );
          ok(
            text.includes(
              '1,"ä ""quoted"", with comma\nand newline",1.5,true,2024-01-02T03:04:05+00:00,',
            ),
          );
          const raw = await duckdbRows(
            `SELECT id, created_at FROM read_csv('${itemsFile}') ORDER BY id`,
          );
          deepStrictEqual(raw[0], { id: 1, created_at: new Date("2024-01-02T03:04:05Z") });
        }

        // Typed back through the destination's views.
        deepStrictEqual(await describeView(destination, "shop_dataset.items"), ITEM_TYPES);
        deepStrictEqual(
          await destination.query("SELECT * FROM shop_dataset.items ORDER BY id"),
          TYPED_ITEMS,
        );
        deepStrictEqual(
          await destination.query(
            "SELECT value, _dlt_parent_id, _dlt_list_idx FROM shop_dataset.items__tags " +
              "ORDER BY _dlt_list_idx",
          ),
          [
            { value: "x", _dlt_parent_id: "r1", _dlt_list_idx: 0 },
            { value: "y", _dlt_parent_id: "r1", _dlt_list_idx: 1 },
          ],
        );
      } finally {
        await destination.close();
      }
    });
  });
}

Deno.test("FilesystemDestination.load() appends: every load adds its own files", async () => {
  await withEnv(async (env) => {
    const destination = destinationFor(env);
    try {
      await loadItems(env, destination, LOAD_1);
      await loadItems(env, destination, LOAD_2);
      const items = (await env.files()).filter((f) => f.startsWith("shop_dataset/items/"));
      equal(items.length, 2);
      ok(items[0].includes(LOAD_1) && items[1].includes(LOAD_2), `${items}`);
      equal(await itemCount(destination), 6);
      deepStrictEqual(
        await destination.query(
          "SELECT load_id, status FROM shop_dataset._dlt_loads ORDER BY load_id",
        ),
        [{ load_id: LOAD_1, status: 0 }, { load_id: LOAD_2, status: 0 }],
      );
    } finally {
      await destination.close();
    }
  });
});

Deno.test("FilesystemDestination.load() replaces a table's files, children too", async () => {
  await withEnv(async (env) => {
    const destination = destinationFor(env, "jsonl");
    try {
      await loadItems(env, destination, LOAD_1);
      const before = await env.files();
      // The new load has items but no tags: the old tags go as well.
      const job = await env.job("items", [{ id: 9, _dlt_load_id: LOAD_2, _dlt_id: "n9" }]);
      await destination.load(
        env.request(LOAD_2, SCHEMA, [job], { replaceTables: ["items", "items__tags"] }),
      );
      const after = await env.files();
      deepStrictEqual(
        after.filter((f) => /^shop_dataset\/items/.test(f)),
        [`shop_dataset/items/${LOAD_2}.${job.fileId}.jsonl.gz`],
      );
      ok(before.some((f) => f.startsWith("shop_dataset/items__tags/")));
      deepStrictEqual(await destination.query("SELECT id FROM shop_dataset.items"), [{ id: 9 }]);
      deepStrictEqual(
        await destination.query("SELECT count(*) AS n FROM shop_dataset.items__tags"),
        [{ n: 0 }],
      );
    } finally {
      await destination.close();
    }
  });
});

Deno.test("FilesystemDestination.load() keeps old files when a replace load fails", async () => {
  await withEnv(async (env) => {
    const destination = destinationFor(env);
    try {
      await loadItems(env, destination, LOAD_1);
      const before = await env.files();
      const good = await env.job("items", [{ id: 9, _dlt_load_id: LOAD_2, _dlt_id: "n9" }]);
      const bad = await env.job("items__tags", '{"value": "x", "_dlt_list_idx": "not a number"}\n');
      await rejects(
        destination.load(
          env.request(LOAD_2, SCHEMA, [good, bad], { replaceTables: ["items", "items__tags"] }),
        ),
        (err: Error) =>
          err instanceof UserError && err.message.includes('Cannot write table "items__tags"') &&
          err.message.includes(bad.path),
      );
      // Neither the first job's file nor a temporary file stays; the old files are untouched.
      deepStrictEqual(await env.files(), before);
      equal(await itemCount(destination), 3);
    } finally {
      await destination.close();
    }
  });
});

Deno.test("FilesystemDestination.load() leaves no file behind when the first load fails", async () => {
  await withEnv(async (env) => {
    const destination = destinationFor(env, "csv");
    try {
      const bad = await env.job("items", '{"id": 1, "_dlt_id": "a"}\n{"id": \n');
      await rejects(destination.load(env.request(LOAD_1, SCHEMA, [bad])), UserError);
      deepStrictEqual(await env.files(), []);
      equal(await destination.restore("shop_dataset", "shop"), undefined);
    } finally {
      await destination.close();
    }
  });
});

Deno.test("FilesystemDestination.load() writes dlt's system files", async () => {
  await withEnv(async (env) => {
    const destination = destinationFor(env);
    try {
      await loadItems(env, destination, LOAD_1);
      const hex = Array.from(
        atob(SCHEMA.version_hash),
        (c) => c.charCodeAt(0).toString(16).padStart(2, "0"),
      )
        .join("");
      const files = await env.files();
      for (
        const expected of [
          "shop_dataset/init",
          `shop_dataset/_dlt_loads/shop__${LOAD_1}.jsonl`,
          `shop_dataset/_dlt_pipeline_state/shop__${LOAD_1}__${hex}.jsonl`,
          `shop_dataset/_dlt_version/shop__${LOAD_1}__${hex}.jsonl`,
        ]
      ) ok(files.includes(expected), `${expected} not in ${files}`);
      const read = async (f: string) => JSON.parse(await Deno.readTextFile(join(env.bucket, f)));
      deepStrictEqual(await read("shop_dataset/init"), { initial_version: 2, current_version: 2 });
      deepStrictEqual(await read(`shop_dataset/_dlt_loads/shop__${LOAD_1}.jsonl`), {
        load_id: LOAD_1,
        schema_name: "shop",
        status: 0,
        inserted_at: "2025-06-11T18:39:47.541000+00:00",
        schema_version_hash: SCHEMA.version_hash,
      });
      const state = await read(`shop_dataset/_dlt_pipeline_state/shop__${LOAD_1}__${hex}.jsonl`);
      deepStrictEqual(decompressState(state.state), {
        pipeline_name: "shop",
        sources: { shop: { last: LOAD_1 } },
      });
      deepStrictEqual({ ...state, state: "..." }, {
        version: 1,
        engine_version: 4,
        pipeline_name: "shop",
        state: "...",
        created_at: "2025-06-11T18:39:47.541000+00:00",
        version_hash: `state-${LOAD_1}`,
        _dlt_load_id: LOAD_1,
      });
      const version = await read(`shop_dataset/_dlt_version/shop__${LOAD_1}__${hex}.jsonl`);
      deepStrictEqual(JSON.parse(version.schema), toStoredSchema(SCHEMA));
      deepStrictEqual({ ...version, schema: "..." }, {
        version_hash: SCHEMA.version_hash,
        schema_name: "shop",
        version: 1,
        engine_version: 11,
        inserted_at: "2025-06-11T18:39:47.541000+00:00",
        schema: "...",
      });

      // Same schema and state again: only the data and the load marker are new.
      const jobs = [await env.job("items", ITEM_ROWS)];
      const request = env.request(LOAD_2, SCHEMA, jobs);
      request.state.versionHash = `state-${LOAD_1}`;
      await destination.load(request);
      const added = (await env.files()).filter((f) => !files.includes(f));
      deepStrictEqual(added, [
        `shop_dataset/_dlt_loads/shop__${LOAD_2}.jsonl`,
        `shop_dataset/items/${LOAD_2}.${jobs[0].fileId}.parquet`,
      ]);
      deepStrictEqual(
        await destination.query(
          "SELECT pipeline_name, version, created_at, _dlt_load_id FROM shop_dataset._dlt_pipeline_state",
        ),
        [{ pipeline_name: "shop", version: 1, created_at: NOW, _dlt_load_id: LOAD_1 }],
      );
      deepStrictEqual(
        await destination.query("SELECT schema_name, version FROM shop_dataset._dlt_version"),
        [{ schema_name: "shop", version: 1 }],
      );
    } finally {
      await destination.close();
    }
  });
});

Deno.test("FilesystemDestination.load() skips a load id that is already complete", async () => {
  await withEnv(async (env) => {
    const destination = destinationFor(env);
    try {
      const jobs = await loadItems(env, destination, LOAD_1);
      const before = await env.files();
      await destination.load(env.request(LOAD_1, SCHEMA, jobs));
      deepStrictEqual(await env.files(), before);
      equal(await itemCount(destination), 3);
    } finally {
      await destination.close();
    }
  });
});

Deno.test("FilesystemDestination.load() appends merge tables with dlt's warning", async () => {
  await withEnv(async (env) => {
    const logger = memoryLogger();
    const destination = new FilesystemDestination({
      bucketUrl: env.bucket,
      fileFormat: "jsonl",
      deps,
      logger,
    });
    deepStrictEqual(destination.mergeStrategies, []);
    const merged = schemaOf(
      1,
      tableOf("orders", [col("id", "bigint"), ...ROOT_SYS], { disposition: "merge" }),
      tableOf("orders__lines", [col("sku", "text"), ...CHILD_SYS], { parent: "orders" }),
    );
    const row = (id: number, load: string) => ({ id, _dlt_load_id: load, _dlt_id: `o${load}` });
    try {
      for (const load of [LOAD_1, LOAD_2]) {
        const jobs = [
          await env.job("orders", [row(1, load)]),
          await env.job("orders__lines", [
            { sku: "a", _dlt_parent_id: `o${load}`, _dlt_list_idx: 0, _dlt_id: `l${load}` },
          ]),
        ];
        await destination.load(env.request(load, merged, jobs));
      }
      // Both versions of order 1 are there, as dlt leaves them.
      deepStrictEqual(
        (await destination.query("SELECT id, _dlt_load_id FROM shop_dataset.orders ORDER BY 2"))
          .map(
            (r) => [Number(r.id), r._dlt_load_id],
          ),
        [[1, LOAD_1], [1, LOAD_2]],
      );
      equal((await destination.query("SELECT * FROM shop_dataset.orders__lines")).length, 2);
      const warnings = logger.lines.filter((l) => l.includes("falling back to `append`"));
      equal(warnings.length, 2, logger.lines.join("\n"));
      ok(warnings[0].includes("`orders`"), warnings[0]);
      const stray = await env.job("nope", [{ a: 1 }]);
      await rejects(destination.load(env.request(LOAD_1, SCHEMA, [stray])), InternalError);
    } finally {
      await destination.close();
    }
  });
});

Deno.test("FilesystemDestination follows a layout with schema and date placeholders", async () => {
  await withEnv(async (env) => {
    const layout = "{schema_name}/{table_name}/{YYYY}/{MM}/{DD}/{load_id}.{file_id}";
    const destination = destinationFor(env, "parquet", layout);
    try {
      const [items] = await loadItems(env, destination, LOAD_1); // 2024-06-11 UTC
      ok(
        (await env.files()).includes(
          `shop_dataset/shop/items/2024/06/11/${LOAD_1}.${items.fileId}.parquet`,
        ),
      );
      const job = await env.job("items", [{ id: 7, _dlt_load_id: LOAD_2, _dlt_id: "s" }]);
      await destination.load(env.request(LOAD_2, SCHEMA, [job], { replaceTables: ["items"] }));
      deepStrictEqual(await destination.query("SELECT id FROM shop_dataset.items"), [{ id: 7 }]);
      equal(
        (await env.files()).filter((f) => f.startsWith("shop_dataset/shop/items/")).length,
        1,
      );
      deepStrictEqual(
        await destination.query("SELECT count(*) AS n FROM shop_dataset.items__tags"),
        [{ n: 2 }],
      );
    } finally {
      await destination.close();
    }
  });
});

Deno.test("FilesystemDestination views read new columns and mixed formats", async () => {
  await withEnv(async (env) => {
    const first = destinationFor(env, "csv");
    const second = destinationFor(env, "parquet");
    const third = destinationFor(env, "jsonl");
    try {
      const v1 = schemaOf(1, tableOf("t", [col("id", "bigint"), ...ROOT_SYS]));
      await first.load(env.request(LOAD_1, v1, [await env.job("t", [{ id: 1, _dlt_id: "a" }])]));
      const v2 = schemaOf(
        2,
        tableOf("t", [col("id", "bigint"), ...ROOT_SYS, col("seen_at", "timestamp")]),
      );
      const rows = [{ id: 2, seen_at: "2024-01-01T00:00:00Z", _dlt_id: "b" }];
      await second.load(env.request(LOAD_2, v2, [await env.job("t", rows)]));
      const rows3 = [{ id: 3, seen_at: "2024-01-01T01:00:00+01:00", _dlt_id: "c" }];
      await third.load(env.request("1718131300.000003", v2, [await env.job("t", rows3)]));
      deepStrictEqual(
        await third.query("SELECT id, seen_at, _dlt_id FROM shop_dataset.t ORDER BY id"),
        [
          { id: 1, seen_at: null, _dlt_id: "a" },
          { id: 2, seen_at: new Date("2024-01-01T00:00:00Z"), _dlt_id: "b" },
          { id: 3, seen_at: new Date("2024-01-01T00:00:00Z"), _dlt_id: "c" },
        ],
      );
      deepStrictEqual(await describeView(third, "shop_dataset.t"), [
        ["id", "BIGINT"],
        ["_dlt_load_id", "VARCHAR"],
        ["_dlt_id", "VARCHAR"],
        ["seen_at", "TIMESTAMP WITH TIME ZONE"],
      ]);
    } finally {
      await first.close();
      await second.close();
      await third.close();
    }
  });
});

Deno.test("FilesystemDestination.query() is read-only and reads the data files only", async () => {
  await withEnv(async (env) => {
    const destination = destinationFor(env);
    try {
      await rejects(destination.query("SELECT 1"), /There is no bucket folder at/);
      await loadItems(env, destination);
      const outside = join(env.dir, "secret.csv");
      await Deno.writeTextFile(outside, "a\n1\n");
      // A file in the bucket that no view reads is outside the dataset too.
      const stray = join(env.bucket, "stray.csv");
      await Deno.writeTextFile(stray, "a\n1\n");
      const dataFile = (await env.files()).find((f) => f.startsWith("shop_dataset/items/"));
      ok(dataFile);
      const outsideRead = /read the dataset only: DuckDB may not open file ".*secret\.csv"/;
      for (
        const [sql, message] of [
          [`COPY (SELECT 1) TO '${env.bucket}/x.csv'`, /read-only: COPY is not allowed/],
          ["CREATE TABLE x AS SELECT 1", /read-only: CREATE is not allowed/],
          ["SET enable_external_access = true", /read-only: SET is not allowed/],
          ["SELECT 1; SELECT 2", /exactly one SQL statement; got 2/],
          [`SELECT * FROM read_csv('${outside}')`, outsideRead],
          [`SELECT * FROM read_text('${stray}')`, /may not open file ".*stray\.csv"/],
          [`SELECT * FROM glob('${env.bucket}/*')`, /may not open file/],
          ["SELECT * FROM shop_dataset.nope", /Query failed on file:\/\/.*nope/],
        ] as const
      ) {
        await rejects(destination.query(sql), (err: Error) => {
          ok(err instanceof UserError, String(err));
          ok(message.test(err.message), err.message);
          return true;
        });
      }
      ok(!(await env.files()).includes("x.csv"));
      const tables = await destination.query(
        "SELECT table_schema, table_name FROM information_schema.tables ORDER BY table_name",
      );
      deepStrictEqual(tables.map((t) => t.table_name), [
        "_dlt_loads",
        "_dlt_pipeline_state",
        "_dlt_version",
        "items",
        "items__tags",
      ]);
      ok(tables.every((t) => t.table_schema === "shop_dataset"));
      // The views' own files stay readable, also through the file readers.
      const [items] = await destination.query("SELECT count(*) AS n FROM shop_dataset.items");
      ok(Number(items.n) > 0);
      const [direct] = await destination.query(
        `SELECT count(*) AS n FROM read_blob('${join(env.bucket, dataFile)}')`,
      );
      equal(direct.n, 1);
    } finally {
      await destination.close();
    }
  });
});

Deno.test("FilesystemDestination.restore() reads the newest state and schema", async () => {
  await withEnv(async (env) => {
    const destination = destinationFor(env);
    try {
      equal(await destination.restore("shop_dataset", "shop"), undefined);
      await loadItems(env, destination, LOAD_1);
      const v2 = schemaOf(2, ITEMS, TAGS, tableOf("extra", [col("x", "text"), ...ROOT_SYS]));
      const request = env.request(LOAD_2, v2, [await env.job("extra", [{ x: "y" }])]);
      request.state.state = { pipeline_name: "shop", schema_names: ["shop"], sources: { n: 2 } };
      await destination.load(request);
      const stored = await destination.restore("shop_dataset", "shop");
      deepStrictEqual(stored?.state, request.state.state);
      deepStrictEqual(stored?.schemas, [v2]);
      equal(await destination.restore("shop_dataset", "other"), undefined);
      equal(await destination.restore("other_dataset", "shop"), undefined);
    } finally {
      await destination.close();
    }
  });
});

Deno.test("FilesystemDestination.dropTables() removes files and stores schema and state", async () => {
  await withEnv(async (env) => {
    const destination = destinationFor(env);
    try {
      await rejects(
        destination.dropTables({
          datasetName: "shop_dataset",
          tables: ["items"],
          schema: SCHEMA,
          state: env.request(LOAD_1, SCHEMA, []).state,
        }),
        /there is no folder/,
      );
      await loadItems(env, destination, LOAD_1);
      const v2 = schemaOf(2);
      const state = { ...env.request(LOAD_2, v2, []).state, state: { dropped: true } };
      await destination.dropTables({
        datasetName: "shop_dataset",
        tables: ["items", "items__tags"],
        schema: v2,
        state,
      });
      ok(!(await env.files()).some((f) => /^shop_dataset\/items/.test(f)));
      const stored = await destination.restore("shop_dataset", "shop");
      deepStrictEqual(stored?.state, { dropped: true });
      deepStrictEqual(stored?.schemas, [v2]);
    } finally {
      await destination.close();
    }
  });
});

Deno.test("FilesystemDestination writes dlt's init and migrates an empty one (storage v1)", async () => {
  await withEnv(async (env) => {
    const destination = destinationFor(env, "jsonl");
    try {
      await loadItems(env, destination, LOAD_1);
      // The bytes dlt 1.26 writes (no line break), as in ../shared/dlt_samples.
      equal(
        await Deno.readTextFile(join(env.dataset, "init")),
        '{"initial_version":2,"current_version":2}',
      );
      await Deno.writeTextFile(join(env.dataset, "init"), "");
      await loadItems(env, destination, LOAD_2);
      deepStrictEqual(JSON.parse(await Deno.readTextFile(join(env.dataset, "init"))), {
        initial_version: 1,
        current_version: 2,
      });
    } finally {
      await destination.close();
    }
  });
});

/** The files of the bucket a reader sees: no hidden (temporary) ones. */
async function visibleFiles(env: Env): Promise<string[]> {
  return (await env.files()).filter((f) => !f.split("/").some((part) => part.startsWith(".")));
}

Deno.test("FilesystemDestination.begin() converts job files while extracting and shows them at commit", async () => {
  await withEnv(async (env) => {
    const destination = destinationFor(env);
    try {
      ok(await destination.beginsEarly());
      const items = await env.job("items", ITEM_ROWS);
      const tags = await env.job("items__tags", TAG_ROWS);
      const session = await destination.begin("shop_dataset", LOAD_1);
      await session.addJobs([items], SCHEMA);
      // Converted already, in the load's hidden staging folder: a reader sees nothing yet.
      const staged = await env.files();
      equal(staged.length, 1, `${staged}`);
      ok(staged[0].startsWith(`shop_dataset/.dltx_staging/${LOAD_1}/items/`), staged[0]);
      deepStrictEqual(await visibleFiles(env), []);
      // The job's file is not converted again at commit (its temporary file is the one used).
      await Deno.remove(items.path);
      await session.commit(env.request(LOAD_1, SCHEMA, [items, tags]));
      deepStrictEqual(await env.files(), await visibleFiles(env), "no temporary file stays");
      deepStrictEqual(
        await destination.query("SELECT id FROM shop_dataset.items ORDER BY id"),
        [{ id: 1 }, { id: 2 }, { id: 3 }],
      );
      deepStrictEqual(
        await destination.query("SELECT count(*) AS n FROM shop_dataset.items__tags"),
        [{ n: TAG_ROWS.length }],
      );
      deepStrictEqual(
        await destination.query("SELECT load_id FROM shop_dataset._dlt_loads"),
        [{ load_id: LOAD_1 }],
      );
    } finally {
      await destination.close();
    }
  });
});

Deno.test("FilesystemDestination: a rolled back or abandoned session leaves nothing a reader sees", async () => {
  await withEnv(async (env) => {
    const destination = destinationFor(env);
    try {
      await loadItems(env, destination, LOAD_1);
      const before = await env.files();
      // Rolled back (extraction failed): its converted files are gone.
      const failed = await destination.begin("shop_dataset", LOAD_2);
      await failed.addJobs([await env.job("items", ITEM_ROWS)], SCHEMA);
      await failed.rollback();
      deepStrictEqual(await env.files(), before);
      // Abandoned (the run was killed): hidden files only; the rows count once, the next
      // load of the package's data (a new load id) adds them once, and discarding the killed
      // load removes its files.
      const killed = await destination.begin("shop_dataset", LOAD_2);
      await killed.addJobs([await env.job("items", ITEM_ROWS)], SCHEMA);
      deepStrictEqual(await visibleFiles(env), before);
      ok((await env.files()).some((f) => f.startsWith(`shop_dataset/.dltx_staging/${LOAD_2}/`)));
      equal(await itemCount(destination), 3);
      await loadItems(env, destination, "1718131300.000003");
      equal(await itemCount(destination), 6);
      await destination.discardLoad("shop_dataset", LOAD_2);
      deepStrictEqual(await env.files(), await visibleFiles(env));
    } finally {
      await destination.close();
    }
  });
});

Deno.test("FilesystemDestination: a session of a load id already complete writes nothing", async () => {
  await withEnv(async (env) => {
    const destination = destinationFor(env);
    try {
      const jobs = await loadItems(env, destination, LOAD_1);
      const before = await env.files();
      const session = await destination.begin("shop_dataset", LOAD_1);
      await session.addJobs([jobs[0]], SCHEMA);
      deepStrictEqual(await env.files(), before);
      await session.commit(env.request(LOAD_1, SCHEMA, jobs));
      deepStrictEqual(await env.files(), before);
      equal(await itemCount(destination), 3);
    } finally {
      await destination.close();
    }
  });
});

Deno.test("FilesystemDestination: a job that fails at commit removes the files converted before", async () => {
  await withEnv(async (env) => {
    const destination = destinationFor(env);
    try {
      const good = await env.job("items", ITEM_ROWS);
      const bad = await env.job("items__tags", '{"value": "x", "_dlt_list_idx": "not a number"}\n');
      const session = await destination.begin("shop_dataset", LOAD_1);
      await session.addJobs([good], SCHEMA);
      await rejects(
        session.commit(env.request(LOAD_1, SCHEMA, [good, bad])),
        (err: Error) => err instanceof UserError && err.message.includes(bad.path),
      );
      deepStrictEqual(await env.files(), []);
      await rejects(
        destination.begin("../x", LOAD_1),
        (err: Error) => err instanceof ConfigError && err.message.includes("../x"),
      );
    } finally {
      await destination.close();
    }
  });
});
