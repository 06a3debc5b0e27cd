import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { Buffer } from "node:buffer";
import { inflateSync } from "node:zlib";
import { DataError } from "../errors.ts";
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

Deno.test("decompressState() reads the state dlt 1.26 wrote to a filesystem bucket", () => {
  // ../shared/dlt_samples/continue_from_dlt/dlt_output/shop_data/_dlt_pipeline_state/...
  const blob =
    "eNp9UctOwzAQ/BdfaUteHIjEARXlAD3wqEQLQpabbLGJ45jsumpU8e/YDUgpB6yVbM/s7uzYB8aRBAHfQYeqNSyPJ78QmHdlRkw2YVZZ0AE0ogGWM5St5dibkk1YJUgg0AkVsEDBVjhNHEsJjRhneHIEIstfB/gtFCEpI8hrc+ptqKg0zUYwzrZKA/ZI0LDTgkHCOK29nR8HXAqUvssi3V/2EeLmbv6orouNnZv1qkqeq/bpfGXPPgqZyaSWtyXgVZivdV0ZRjsMo/m9gxHYdpXvH07KlB00YEjocHXW24eKCxpIRUpovhPaBS9JlGTTKPaxjKL8GC9eTQukPznpNE6W8SjHGfXp4GhneLK+KZKbuq6z+/2FfVini1QvwxP6f+zof8WvYX0DBcSwFg==";
  const state = decompressState(blob);
  deepStrictEqual(state, {
    _state_version: 1,
    _state_engine_version: 4,
    pipeline_name: "shop_sync",
    dataset_name: "shop_data",
    default_schema_name: "shop",
    schema_names: ["shop"],
    destination_type: "dlt.destinations.filesystem",
    destination_name: null,
    _version_hash: "L3x9y0ssbKCRiAFbpCnYXd2WdoS/Xp+jFh4h2khJces=",
    sources: {
      shop: {
        resources: {
          orders: {
            incremental: {
              updated_at: {
                initial_value: "2024-01-01T00:00:00Z",
                last_value: "2024-03-12T10:00:00Z",
                unique_hashes: ["ymF2Dkkk4Px5pQY3L3lT"],
                start_value: "2024-01-01T00:00:00Z",
              },
            },
          },
        },
      },
    },
  });
  // dltx's encoding of the same state is what dlt writes: zlib (level 9) of compact JSON.
  equal(compressState(state), blob);
});
