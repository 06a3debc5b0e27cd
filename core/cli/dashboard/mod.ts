/**
 * The local web dashboard of `dltx pipeline <name> show` and `dltx dashboard`: pipeline
 * state and last runs, the schema and its versions, a read-only SQL explorer and a chart of
 * rows per run, served by Deno on 127.0.0.1 as one page without a build step.
 *
 * @module
 */

export { dashboardCommand, type DashboardOptions } from "./serve.ts";
export {
  type ColumnView,
  createDashboardApp,
  type DashboardApp,
  type DashboardAppOptions,
  describeSchema,
  type TableView,
} from "./api.ts";
