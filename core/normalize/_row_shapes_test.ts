import { deepStrictEqual, equal } from "node:assert/strict";
import { RowBuilder } from "./_row_shapes.ts";

const a = { name: "a" };
const b = { name: "b" };
const c = { name: 'weird "name"\n' };

Deno.test("RowBuilder.build() gives the same rows before and after compiling a shape", () => {
  const builder = new RowBuilder();
  for (let i = 0; i < 50; i++) {
    const row = builder.build([a, b, c], [i, `x${i}`, null], 3);
    deepStrictEqual(row, { a: i, b: `x${i}`, 'weird "name"\n': null });
    deepStrictEqual(Object.keys(row), ["a", "b", 'weird "name"\n']);
  }
});

Deno.test("RowBuilder.build() follows the count, not the array length", () => {
  const builder = new RowBuilder();
  for (let i = 0; i < 40; i++) {
    deepStrictEqual(
      builder.build([a, b, c], [1, 2, 3], i % 2 === 0 ? 1 : 2),
      i % 2 === 0 ? { a: 1 } : { a: 1, b: 2 },
    );
  }
  deepStrictEqual(builder.build([b, a], [1, 2], 2), { b: 1, a: 2 });
  deepStrictEqual(builder.build([], [], 0), {});
});

Deno.test("RowBuilder.build() keeps the last value of a repeated column", () => {
  const builder = new RowBuilder();
  for (let i = 0; i < 40; i++) equal(builder.build([a, a], [1, 2], 2).a, 2);
});
