import { deepStrictEqual, ok, throws } from "node:assert/strict";
import { Buffer } from "node:buffer";
import { inflateSync } from "node:zlib";
import { DataError } from "../../core/errors.ts";
import { compressState, decompressState } from "./state_codec.ts";

Deno.test("compressState() round trips through decompressState()", () => {
  const state = { pipeline_name: "demo", sources: { gh: { n: 1, s: "ä" } } };
  deepStrictEqual(decompressState(compressState(state)), state);
});

Deno.test("decompressState() reads a state written by dlt (Python zlib + base64)", () => {
  const blob =
    "eNpNjbEOAjEMQ/8l8yGViqnfwcQShWsEldq0atJbTvw7V2DA8uDnwd4B1cgYN+6aqkDwC7TUOCdhFCoMASKX" +
    "CgtoHX1lhbDDI9lz3Gfq/Fcn1fFLsnYuLEZ54mjxOIlINimTGm6Uxxz3zl9O7nz46lz4+Aavr95dIjYq";
  deepStrictEqual(decompressState(blob), {
    _state_version: 2,
    pipeline_name: "demo",
    sources: {
      github: {
        resources: {
          issues: { incremental: { updated_at: { last_value: "2024-01-01T00:00:00Z" } } },
        },
      },
    },
  });
});

Deno.test("decompressState() rejects values that are not compressed JSON objects", () => {
  throws(() => decompressState("not base64 zlib"), DataError);
  throws(() => decompressState(compressState([] as unknown as Record<string, unknown>)), DataError);
});

Deno.test("compressState() keeps cursor values past 2^53 exact, as dlt's state holds them", () => {
  const state = {
    sources: {
      s: { resources: { r: { incremental: { id: { last_value: 9007199254740993n } } } } },
    },
  };
  const blob = compressState(state);
  deepStrictEqual(decompressState(blob), state);
  // What dlt reads: the digits, as one integer.
  const json = inflateSync(Buffer.from(blob, "base64")).toString("utf8");
  ok(json.includes('"last_value":9007199254740993'), json);
});
