/**
 * Schema contracts end to end: every mode (`evolve`, `freeze`, `discard_row`, `discard_value`)
 * for every entity (`tables`, `columns`, `data_type`), over a second run that brings a new
 * column, a new child list and a type change. The run that creates a table always evolves.
 */
import { deepEqual, equal, match } from "node:assert/strict";
import { openDuckDb } from "../destinations/duckdb/open_duckdb.ts";
import { json, serve, type TempProject, tempProject } from "./_helpers.ts";

type Row = Record<string, unknown>;

const DB = "catalog_pipeline.duckdb";
const DS = "catalog_pipeline_dataset";

/** Run 1: creates the tables; the second record brings a column the first lacks. */
const RUN1: Row[] = [
  { id: 1, name: "a", price: 10, parts: [{ p: 1 }] },
  { id: 2, name: "b", price: 12, extra: "e" },
];

/** Run 2: #3 is ordinary; #4 a new column, #5 a type change, #6 a new child list. */
const RUN2: Row[] = [
  { id: 3, name: "c", price: 11, parts: [{ p: 3 }] },
  { id: 4, name: "d", price: 13, color: "red", parts: [{ p: 4 }] },
  { id: 5, name: "e", price: "n/a" },
  { id: 6, name: "f", price: 14, tags: [{ t: "x" }] },
];

/** Resource name -> its schema_contract (absent: the default, evolve). */
const CONTRACTS: Record<string, unknown> = {
  evolve_default: undefined,
  evolve_all: "evolve",
  columns_discard_row: { columns: "discard_row" },
  columns_discard_value: { columns: "discard_value" },
  types_discard_row: { data_type: "discard_row" },
  types_discard_value: { data_type: "discard_value" },
  tables_discard_row: { tables: "discard_row" },
  tables_discard_value: { tables: "discard_value" },
  columns_freeze: { columns: "freeze" },
  tables_freeze: { tables: "freeze" },
  types_freeze: { data_type: "freeze" },
  all_freeze: "freeze",
};

/** Columns of a table (system columns left out), in table order. */
async function columnsOf(p: TempProject, table: string): Promise<string[]> {
  const rows = await p.query(
    DB,
    `SELECT column_name FROM information_schema.columns
     WHERE table_schema = '${DS}' AND table_name = '${table}'
       AND column_name NOT LIKE '\\_dlt%' ESCAPE '\\' ORDER BY ordinal_position`,
  );
  return rows.map((r) => String(r.column_name));
}

/** Tables of the dataset (system tables left out). */
async function tablesOf(p: TempProject): Promise<string[]> {
  const rows = await p.query(
    DB,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = '${DS}'
     AND table_name NOT LIKE '\\_dlt%' ESCAPE '\\' ORDER BY 1`,
  );
  return rows.map((r) => String(r.table_name));
}

/** Every row of every table, with the loads and schema versions: what a failed run must keep. */
async function snapshot(p: TempProject): Promise<Record<string, unknown>> {
  // One connection for the lot: opening the file per query is what takes time.
  const db = await openDuckDb(p.path(DB));
  try {
    const out: Record<string, unknown> = {};
    const columns = await db.query(
      `SELECT table_name, list(column_name ORDER BY ordinal_position) AS columns
       FROM information_schema.columns WHERE table_schema = '${DS}' GROUP BY 1 ORDER BY 1`,
    );
    for (const { table_name, columns: names } of columns) {
      out[String(table_name)] = {
        columns: names,
        rows: await db.query(`SELECT * FROM ${DS}.${table_name} ORDER BY ALL`),
      };
    }
    return out;
  } finally {
    db.close();
  }
}

Deno.test("schema contracts evolve, discard rows or values, and freeze with a clear error", async () => {
  let records = RUN1;
  await using server = serve(() => json(records));
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "catalog",
    client: { base_url: server.url, paginator: "single_page" },
    resources: Object.entries(CONTRACTS).map(([name, contract]) => ({
      name,
      endpoint: "products",
      ...(contract === undefined ? {} : { schema_contract: contract }),
    })),
  });
  const ids = async (table: string) =>
    (await p.query(DB, `SELECT id FROM ${DS}.${table} ORDER BY id`)).map((r) => r.id);

  // Run 1 creates every table, child tables and all, whatever the contract.
  const first = await p.dltx(["run", connector]);
  equal(first.code, 0, first.stderr);
  for (const name of Object.keys(CONTRACTS)) {
    deepEqual(await columnsOf(p, name), ["id", "name", "price", "extra"], name);
    deepEqual(await ids(name), [1, 2], name);
    deepEqual(await columnsOf(p, `${name}__parts`), ["p"], name);
  }

  records = RUN2;
  const evolving = Object.keys(CONTRACTS).filter((name) => !name.includes("freeze"));
  const second = await p.dltx(["run", connector, "--resources", evolving.join(",")]);
  equal(second.code, 0, second.stderr);

  // evolve: a new column, a variant column and a child table appear.
  for (const name of ["evolve_default", "evolve_all"]) {
    deepEqual(await ids(name), [1, 2, 3, 4, 5, 6], name);
    deepEqual(
      await columnsOf(p, name),
      ["id", "name", "price", "extra", "color", "price__v_text"],
      name,
    );
    deepEqual(
      await p.query(DB, `SELECT price__v_text AS v FROM ${DS}.${name} WHERE id = 5`),
      [{ v: "n/a" }],
    );
    deepEqual(
      (await p.query(DB, `SELECT t FROM ${DS}.${name}__tags`)).map((r) => r.t),
      ["x"],
    );
  }

  // columns discard_row: #4 goes, with its child rows; type changes and new tables evolve.
  deepEqual(await ids("columns_discard_row"), [1, 2, 3, 5, 6]);
  deepEqual(await columnsOf(p, "columns_discard_row"), [
    "id",
    "name",
    "price",
    "extra",
    "price__v_text",
  ]);
  deepEqual(
    (await p.query(DB, `SELECT p FROM ${DS}.columns_discard_row__parts ORDER BY p`))
      .map((r) => r.p),
    [1, 3],
  );
  // columns discard_value: #4 loads without its new column.
  deepEqual(await ids("columns_discard_value"), [1, 2, 3, 4, 5, 6]);
  deepEqual(await columnsOf(p, "columns_discard_value"), [
    "id",
    "name",
    "price",
    "extra",
    "price__v_text",
  ]);
  deepEqual(
    (await p.query(DB, `SELECT p FROM ${DS}.columns_discard_value__parts ORDER BY p`))
      .map((r) => r.p),
    [1, 3, 4],
  );

  // data_type discard_row: #5 goes; discard_value: #5 loads without its price.
  deepEqual(await ids("types_discard_row"), [1, 2, 3, 4, 6]);
  deepEqual(await ids("types_discard_value"), [1, 2, 3, 4, 5, 6]);
  for (const name of ["types_discard_row", "types_discard_value"]) {
    deepEqual(await columnsOf(p, name), ["id", "name", "price", "extra", "color"], name);
  }
  deepEqual(
    await p.query(DB, `SELECT name, price FROM ${DS}.types_discard_value WHERE id = 5`),
    [{ name: "e", price: null }],
  );

  // tables discard_*: the new child table is not created; #6 itself loads without its list.
  for (const name of ["tables_discard_row", "tables_discard_value"]) {
    deepEqual(await ids(name), [1, 2, 3, 4, 5, 6], name);
  }
  deepEqual(
    (await tablesOf(p)).filter((t) => t.endsWith("__tags")),
    evolving.filter((name) => !name.startsWith("tables_")).map((name) => `${name}__tags`).sort(),
  );

  // freeze: the run fails naming the resource, table, column and value; nothing changes.
  const before = await snapshot(p);
  const frozen: [string, RegExp][] = [
    ["columns_freeze", /new column "color" in table "columns_freeze" \(value "red"\)/],
    ["tables_freeze", /new table "tables_freeze__tags" .*"tags".*\[\{"t":"x"\}\]/],
    [
      "types_freeze",
      /value "n\/a" does not fit column "price" \(bigint\) of table "types_freeze"/,
    ],
    ["all_freeze", /frozen for columns: new column "color" in table "all_freeze"/],
  ];
  for (const [name, message] of frozen) {
    const res = await p.dltx(["run", connector, "--resources", name]);
    equal(res.code, 1, `${name}: ${res.stderr}`);
    match(res.stderr, new RegExp(`^error: Schema contract of resource "${name}" is frozen`, "m"));
    match(res.stderr, message);
    deepEqual(await snapshot(p), before, `${name} changed the destination`);
  }
});

Deno.test("a frozen resource loads data that fits its schema, and a fixed API gets through", async () => {
  let records: Row[] = [{ id: 1, price: 10 }];
  await using server = serve(() => json(records));
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "catalog",
    client: { base_url: server.url, paginator: "single_page" },
    resources: [{ name: "prices", schema_contract: "freeze", write_disposition: "append" }],
  });
  equal((await p.dltx(["run", connector])).code, 0);
  records = [{ id: 2, price: 11 }, { id: 3, price: "12" }]; // "12" converts: no new type
  const res = await p.dltx(["run", connector]);
  equal(res.code, 0, res.stderr);
  deepEqual(
    (await p.query(DB, `SELECT id, price FROM ${DS}.prices ORDER BY id`)).map((r) => [
      r.id,
      r.price,
    ]),
    [[1, 10], [2, 11], [3, 12]],
  );
  records = [{ id: 4, price: 13, note: "new" }];
  equal((await p.dltx(["run", connector])).code, 1);
  records = [{ id: 4, price: 13 }];
  equal((await p.dltx(["run", connector])).code, 0);
  deepEqual(await columnsOf(p, "prices"), ["id", "price"]);
  equal((await p.query(DB, `SELECT id FROM ${DS}.prices`)).length, 4);
});

Deno.test("contracts hold in child tables: freeze names the child table, discard_row drops the child row", async () => {
  let records: Row[] = [{ id: 1, parts: [{ p: 1 }] }];
  await using server = serve(() => json(records));
  await using p = await tempProject();
  const modes: Record<string, unknown> = {
    frozen: { columns: "freeze" },
    rows: { columns: "discard_row" },
    values: { columns: "discard_value" },
  };
  const connector = await p.writeConnector({
    name: "catalog",
    client: { base_url: server.url, paginator: "single_page" },
    resources: Object.entries(modes).map(([name, schema_contract]) => ({
      name,
      endpoint: "kits",
      schema_contract,
    })),
  });
  equal((await p.dltx(["run", connector])).code, 0);
  records = [{ id: 2, parts: [{ p: 2, weight: 5 }, { p: 3 }] }];

  const frozen = await p.dltx(["run", connector, "--resources", "frozen"]);
  equal(frozen.code, 1);
  match(frozen.stderr, /new column "weight" in table "frozen__parts" \(value 5\)/);
  const loaded = await p.dltx(["run", connector, "--resources", "rows,values"]);
  equal(loaded.code, 0, loaded.stderr);
  const parts = async (table: string) =>
    (await p.query(DB, `SELECT * EXCLUDE (_dlt_id, _dlt_parent_id) FROM ${DS}.${table}__parts`))
      .sort((a, b) => Number(a.p) - Number(b.p));
  // discard_row: the child row with the new column goes, its root row and siblings load.
  deepEqual(await parts("rows"), [{ p: 1, _dlt_list_idx: 0 }, { p: 3, _dlt_list_idx: 1 }]);
  deepEqual(
    (await p.query(DB, `SELECT id FROM ${DS}.rows ORDER BY id`)).map((r) => r.id),
    [1, 2],
  );
  // discard_value: the child row loads without the new column.
  deepEqual(await parts("values"), [
    { p: 1, _dlt_list_idx: 0 },
    { p: 2, _dlt_list_idx: 0 },
    { p: 3, _dlt_list_idx: 1 },
  ]);
  deepEqual(await columnsOf(p, "frozen__parts"), ["p"]);
  equal((await p.query(DB, `SELECT id FROM ${DS}.frozen`)).length, 1);
});
