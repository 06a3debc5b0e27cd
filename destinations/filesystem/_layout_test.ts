import { equal, throws } from "node:assert/strict";
import { ConfigError } from "../../core/errors.ts";
import { DEFAULT_LAYOUT, Layout } from "./_layout.ts";

// 2024-06-11T18:39:47Z, a Tuesday in the second quarter.
const PARAMS = {
  schemaName: "shop",
  tableName: "items",
  loadId: "1718131187.541553",
  fileId: "a1b2c3d4e5",
  ext: "parquet",
};

Deno.test("Layout.filePath() fills dlt's default layout", () => {
  equal(
    new Layout(DEFAULT_LAYOUT).filePath(PARAMS),
    "items/1718131187.541553.a1b2c3d4e5.parquet",
  );
});

Deno.test("Layout.filePath() fills every placeholder from the load id's time (UTC)", () => {
  const layout = new Layout(
    "{schema_name}/{table_name}/{curr_date}/{timestamp}-{load_package_timestamp}/" +
      "{YYYY}.{YY}.{Y}.{MMMM}.{MMM}.{MM}.{M}.{DD}.{D}.{HH}.{H}.{mm}.{m}.{dddd}.{ddd}.{dd}.{d}." +
      "{Q}/{load_id}.{file_id}.{ext}",
  );
  equal(
    layout.filePath(PARAMS),
    "shop/items/2024-06-11/1718131187-1718131187/" +
      "2024.24.2024.june.jun.06.6.11.11.18.18.39.39.tuesday.tue.tu.2.2/" +
      "1718131187.541553.a1b2c3d4e5.parquet",
  );
});

Deno.test("Layout.filePath() appends the extension when the layout has no {ext}", () => {
  equal(
    new Layout("{table_name}/{load_id}.{file_id}").filePath({ ...PARAMS, ext: "csv" }),
    "items/1718131187.541553.a1b2c3d4e5.csv",
  );
});

Deno.test("Layout.tablePrefix() ends with the separator after {table_name}", () => {
  equal(new Layout(DEFAULT_LAYOUT).tablePrefix("shop", "items"), "items/");
  equal(new Layout("{table_name}.{load_id}.{file_id}.{ext}").tablePrefix("s", "items"), "items.");
  equal(
    new Layout("data/{schema_name}/{table_name}/{YYYY}/{load_id}.{file_id}.{ext}")
      .tablePrefix("shop", "items__tags"),
    "data/shop/items__tags/",
  );
});

Deno.test("Layout rejects templates whose table files cannot be told apart", () => {
  const cases: [string, RegExp][] = [
    ["{table_name}/{nope}.{ext}", /unknown placeholder\(s\) \{nope\}; available: \{schema_name\}/],
    ["{load_id}.{file_id}.{ext}", /has no \{table_name\} placeholder/],
    ["{YYYY}/{table_name}/{load_id}", /has \{YYYY\} before \{table_name\}; only \{schema_name\}/],
    ["{table_name}{load_id}", /needs a separator/],
    ["data/{table_name}", /needs a separator/],
    ["/abs/{table_name}/{load_id}", /relative path inside the dataset folder/],
    ["../{table_name}/{load_id}", /relative path inside the dataset folder/],
  ];
  for (const [template, message] of cases) {
    throws(() => new Layout(template), (err: Error) => {
      equal(err instanceof ConfigError, true, template);
      equal(message.test(err.message), true, err.message);
      equal(err.message.includes(template), true, err.message);
      return true;
    });
  }
});
