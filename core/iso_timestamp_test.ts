import { equal } from "node:assert/strict";
import { isIsoDate, isIsoDatetime, isoDatetimeUtcDate, readIsoInstant } from "./iso_timestamp.ts";

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
      "2024-01-02T03:04:05z",
      "2024-01-02t03:04:05Z",
      "2024-01-02T03:04:05 Z",
      "2024-02-31T00:00:00Z",
      "2024-04-31 00:00",
      "0000-01-01T00:00:00Z",
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
  equal(isIsoDate("2024-02-31"), false);
  equal(isIsoDate("2024-04-31"), false);
  equal(isIsoDate("2024-12-31"), true);
  equal(isIsoDate("0000-01-01"), false);
  equal(isIsoDate("0001-01-01"), true);
});

Deno.test("isoDatetimeUtcDate() gives the UTC day of a datetime", () => {
  equal(isoDatetimeUtcDate("2024-01-02T03:04:05Z"), "2024-01-02");
  equal(isoDatetimeUtcDate("2024-01-02T01:00:00+02:00"), "2024-01-01");
  equal(isoDatetimeUtcDate("2024-01-02T23:00:00-0130"), "2024-01-03");
  equal(isoDatetimeUtcDate("2024-01-02 23:00"), "2024-01-02");
  equal(isoDatetimeUtcDate("0099-06-01T00:00:00Z"), "0099-06-01");
  equal(isoDatetimeUtcDate("2024-01-02"), undefined);
});

Deno.test("readIsoInstant() reads dates and datetimes as instants to the nanosecond", () => {
  equal(readIsoInstant("2024-05-01")?.ms, Date.UTC(2024, 4, 1));
  equal(readIsoInstant("2024-05-01T10:00:00Z")?.ms, Date.UTC(2024, 4, 1, 10));
  equal(readIsoInstant("2024-05-01T10:00")?.ms, Date.UTC(2024, 4, 1, 10));
  equal(readIsoInstant("2024-05-01 12:30:00+02:30")?.ms, Date.UTC(2024, 4, 1, 10));
  equal(readIsoInstant("2024-05-01T07:00:00-0300")?.ms, Date.UTC(2024, 4, 1, 10));
  equal(readIsoInstant("2024-05-01T12:00:00+02")?.ms, Date.UTC(2024, 4, 1, 10));
  const fine = readIsoInstant("2024-05-01T10:00:00.123456789Z");
  equal(fine?.ms, Date.UTC(2024, 4, 1, 10, 0, 0, 123));
  equal(fine?.sub, 456789);
  equal(readIsoInstant("2024-05-01T10:00:00,5Z")?.ms, Date.UTC(2024, 4, 1, 10, 0, 0, 500));
  // Years before 1970 and before 100 (which Date.UTC would map to 19xx).
  equal(readIsoInstant("0099-06-01")?.ms, new Date("0099-06-01T00:00:00Z").getTime());
  equal(readIsoInstant("1969-12-31T23:59:59Z")?.ms, -1000);
});

Deno.test("readIsoInstant() says where the zone starts and its offset", () => {
  const at = (s: string) => {
    const i = readIsoInstant(s);
    return i && [i.zone, i.offsetMinutes];
  };
  equal(JSON.stringify(at("2024-05-01")), "[10,0]");
  equal(JSON.stringify(at("2024-05-01T10:00")), "[16,0]");
  equal(JSON.stringify(at("2024-05-01T10:00:00Z")), "[19,0]");
  equal(JSON.stringify(at("2024-05-01T10:00:00.25-01:30")), "[22,-90]");
});

Deno.test("readIsoInstant() refuses what dlt refuses", () => {
  for (
    const s of [
      "2024-02-31",
      "2023-02-29",
      "2024-13-01",
      "2024-00-10",
      "0000-01-01",
      "2024-1-01",
      "2024-01-01t10:00:00Z",
      "2024-01-01T10:00:00z",
      "2024-01-01T10:00:00 +02:00",
      "2024-01-01T10:00:00.Z",
      "2024-01-01T",
      "2024-01-01T10",
      "20240101",
      "not a date",
    ]
  ) equal(readIsoInstant(s), undefined, s);
});
