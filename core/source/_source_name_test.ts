import { equal, throws } from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { sourceNameOfFile } from "./_source_name.ts";

Deno.test("sourceNameOfFile() takes the stem, snake_cased as dlt names schemas", () => {
  equal(sourceNameOfFile("/x/github.json"), "github");
  equal(sourceNameOfFile("./connectors/My-API.yaml"), "my_api");
  equal(sourceNameOfFile("shopOrders.yml"), "shop_orders");
  equal(sourceNameOfFile("C:\\work\\HTTPStatus v2.json"), "http_status_v2");
  equal(sourceNameOfFile("orders.v1.json"), "orders_v1");
  equal(sourceNameOfFile("__api__.json"), "api");
});

Deno.test("sourceNameOfFile() refuses a stem that makes no name, saying what to add", () => {
  throws(() => sourceNameOfFile("/x/2024.json"), (err: Error) => {
    equal(err instanceof ConfigError, true);
    equal(
      err.message,
      'Connector /x/2024.json has no "name", and its file name "2024.json" does not make one ' +
        "(a name starts with a letter and holds letters, digits, _ and -); add a name key, " +
        "e.g. name: api_2024",
    );
    return true;
  });
  throws(() => sourceNameOfFile("/x/---.yaml"), /add a name key, e.g. name: my_api/);
});
