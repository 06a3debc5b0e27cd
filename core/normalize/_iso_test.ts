import { equal } from "node:assert/strict";
import { isIsoDate, isIsoDatetime, isoDatetimeUtcDate } from "./_iso.ts";

Deno.test("isIsoDatetime() accepts ISO 8601 datetimes in extended form", () => {
  for (
    const s of [
      "2024-01-02T03:04:05Z",
      "2024-01-02T03:04:05.123+02:00",
      "2024-01-02T03:04:05,5-0530",
      "2024-01-02T03:04:05.123456789Z",
      "2024-01-02T03:04:05+02",
      "2024-01-02T03:04:05",
      "2024-01-02T03:04",
      "2024-01-02T03:04Z",
      "2024-01-02 03:04:05",
      "2024-02-29T00:00:00Z",
      "2000-02-29T23:59:59Z",
    ]
  ) equal(isIsoDatetime(s), true, s);
});

Deno.test("isIsoDatetime() rejects dates, invalid values and other text", () => {
  for (
    const s of [
      "2024-01-02",
      "2024-13-02T03:04:05Z",
      "2024-00-02T03:04:05Z",
      "2024-02-30T03:04:05Z",
      "2023-02-29T03:04:05Z",
      "1900-02-29T03:04:05Z",
      "2024-01-02T24:00:00Z",
      "2024-01-02T03:60:00Z",
      "2024-01-02T03:04:60Z",
      "2024-01-02T03:04:05+24:00",
      "2024-01-02T03:04:05+02:60",
      "2024-01-02T03:04:05.Z",
      "2024-01-02T03:04:05.1234567890Z",
      "2024-01-02T03:04:05ZZ",
      "2024-01-02T03:04:05 ",
      "2024-01-02t03:04:05z",
      "2024-01-02X03:04:05",
      "2024/01/02T03:04:05",
      "20240102T030405Z",
      "hello world, this is text",
      "",
    ]
  ) equal(isIsoDatetime(s), false, s);
});

Deno.test("isIsoDate() accepts valid YYYY-MM-DD dates only", () => {
  equal(isIsoDate("2024-02-29"), true);
  equal(isIsoDate("2023-02-29"), false);
  equal(isIsoDate("2024-1-02"), false);
  equal(isIsoDate("2024-01-02T00:00"), false);
});

Deno.test("isoDatetimeUtcDate() gives the UTC day of a datetime", () => {
  equal(isoDatetimeUtcDate("2024-01-02T03:04:05Z"), "2024-01-02");
  equal(isoDatetimeUtcDate("2024-01-02T01:00:00+02:00"), "2024-01-01");
  equal(isoDatetimeUtcDate("2024-01-02T23:00:00-0130"), "2024-01-03");
  equal(isoDatetimeUtcDate("2024-01-02 23:00"), "2024-01-02");
  equal(isoDatetimeUtcDate("0099-06-01T00:00:00Z"), "0099-06-01");
  equal(isoDatetimeUtcDate("2024-01-02"), undefined);
});
