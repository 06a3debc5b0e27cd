/**
 * Fast construction of row objects. Adding properties one by one with computed keys
 * (`row[name] = value`) goes through V8's megamorphic keyed store and dominated the
 * normalizer's time. Rows of a table mostly repeat the same columns in the same order, so each
 * distinct sequence of columns (a "shape") seen often enough gets a compiled builder: a
 * function returning one object literal, which V8 creates from a boilerplate in one step.
 *
 * @module
 */

/** Something with a column name: a field node of the normalizer. */
export interface Named {
  readonly name: string;
}

type Row = Record<string, unknown>;
type Builder = (values: unknown[]) => Row;

/** Uses of a shape before it gets a builder: compiling a one-off shape costs more than it saves. */
const COMPILE_AFTER = 16;
/** Bounds per table, so that data with ever new key sets cannot grow the caches without end. */
const MAX_SHAPE_NODES = 20_000;
const MAX_BUILDERS = 500;

/**
 * Builders shared by all normalizers of the process: a later run (or the next load of a long
 * running process) reuses functions V8 has already optimized.
 */
const compiled = new Map<string, Builder>();
const MAX_COMPILED = 5_000;

class Shape {
  readonly parent: Shape | undefined;
  readonly field: Named | undefined;
  next: Map<Named, Shape> | undefined = undefined;
  // One-entry cache in front of `next`: consecutive rows usually take the same step.
  lastField: Named | undefined = undefined;
  lastNext: Shape | undefined = undefined;
  uses = 0;
  build: Builder | undefined = undefined;

  constructor(parent: Shape | undefined, field: Named | undefined) {
    this.parent = parent;
    this.field = field;
  }
}

function compile(shape: Shape): Builder | undefined {
  const names: string[] = [];
  for (let s: Shape | undefined = shape; s?.field !== undefined; s = s.parent) {
    names.push(s.field.name);
  }
  names.reverse();
  // `__proto__` in a literal would set the prototype; normalized names never are, but be sure.
  if (names.includes("__proto__")) return undefined;
  const props = names.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(", ");
  let builder = compiled.get(props);
  if (builder === undefined) {
    // Names are embedded as JSON string literals, so no data can inject code here.
    builder = new Function("v", `"use strict"; return { ${props} };`) as Builder;
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(props, builder);
  }
  return builder;
}

/** Builds the rows of one table from parallel arrays of columns and values. */
export class RowBuilder {
  readonly #root = new Shape(undefined, undefined);
  #shapeNodes = 0;
  #builders = 0;

  /**
   * A row with `fields[i].name` -> `values[i]` for `i < count`, keys in that order.
   *
   * @param fields Columns of the row, in order (arrays are reused; only `count` entries count).
   * @param values Values, parallel to `fields`.
   * @param count Number of entries.
   */
  build(fields: readonly Named[], values: unknown[], count: number): Row {
    let shape: Shape | undefined = this.#root;
    for (let i = 0; i < count && shape !== undefined; i++) {
      const field = fields[i];
      shape = shape.lastField === field ? shape.lastNext : this.#step(shape, field);
    }
    if (shape !== undefined) {
      if (shape.build !== undefined) return shape.build(values);
      if (++shape.uses === COMPILE_AFTER && this.#builders < MAX_BUILDERS) {
        shape.build = compile(shape);
        if (shape.build !== undefined) {
          this.#builders++;
          return shape.build(values);
        }
      }
    }
    const row: Row = {};
    for (let i = 0; i < count; i++) row[fields[i].name] = values[i];
    return row;
  }

  #step(shape: Shape, field: Named): Shape | undefined {
    let next = shape.next?.get(field);
    if (next === undefined) {
      if (this.#shapeNodes >= MAX_SHAPE_NODES) return undefined;
      next = new Shape(shape, field);
      (shape.next ??= new Map()).set(field, next);
      this.#shapeNodes++;
    }
    shape.lastField = field;
    shape.lastNext = next;
    return next;
  }
}
