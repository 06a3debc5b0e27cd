import { equal } from "node:assert/strict";
import { formatJson, formatYaml } from "./_format_json.ts";

Deno.test("formatJson() writes an array of objects and big integers without losing digits", () => {
  const text = formatJson([{ id: 1, big: 12345678901234567890n, at: new Date(0), n: null }]);
  equal(
    text,
    '[\n  {\n    "id": 1,\n    "big": 12345678901234567890,\n    "at": "1970-01-01T00:00:00.000Z",\n' +
      '    "n": null\n  }\n]\n',
  );
  equal(formatJson([]), "[]\n");
});

Deno.test("formatYaml() prints a nested document as block YAML", () => {
  equal(
    formatYaml({ name: "shop", tables: { items: { columns: { id: "bigint" } } } }),
    "name: shop\ntables:\n  items:\n    columns:\n      id: bigint\n",
  );
});
