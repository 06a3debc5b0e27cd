/**
 * A derived connector as a YAML file, its comments placed with the `yaml` package's Document
 * API (a comment before a key or list item, or after an object's entries).
 *
 * @module
 */

import { Document, isMap, isScalar, isSeq, type Node, stringify, type YAMLMap } from "yaml";
import { InternalError } from "../errors.ts";
import type { Annotations, CommentLine, NodePath } from "./annotations.ts";
import { wrapLines } from "./annotations.ts";
import type { DerivedConnector } from "./derive.ts";

/** Comment text width: 100 columns less the `# ` and some indentation. */
const WIDTH = 90;

/**
 * Renders the connector as YAML with its comments.
 *
 * @param derived the derived connector.
 * @returns the file's text.
 */
export function renderConnectorYaml(derived: DerivedConnector): string {
  const { connector, annotations } = derived;
  const doc = new Document(connector);
  flowSmallMaps(doc.contents as Node);
  doc.commentBefore = commentText(annotations.header);
  const { before, after } = annotations.paths();
  for (const path of before) placeBefore(doc, path, annotations);
  for (const path of after) {
    const text = commentText(annotations.afterOf(path));
    if (path.length === 0) {
      doc.comment = text;
      continue;
    }
    const node = doc.getIn(path, true);
    if (!isMap(node) && !isSeq(node)) throw new InternalError(`No list or object at ${path}`);
    node.comment = node.comment ? `${node.comment}\n${text}` : text;
  }
  return doc.toString({ lineWidth: 100 });
}

function placeBefore(doc: Document, path: NodePath, annotations: Annotations): void {
  const text = commentText(annotations.beforeOf(path));
  const parent = doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (isSeq(parent) && typeof last === "number") {
    const item = parent.items[last] as Node | undefined;
    if (!item) throw new InternalError(`No list item at ${path}`);
    item.commentBefore = item.commentBefore ? `${item.commentBefore}\n${text}` : text;
    return;
  }
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    if (!pair || !isScalar(pair.key)) throw new InternalError(`No key at ${path}`);
    pair.key.commentBefore = pair.key.commentBefore ? `${pair.key.commentBefore}\n${text}` : text;
    return;
  }
  throw new InternalError(`No list or object holds ${path}`);
}

/** Comment lines as the `yaml` package wants them: each line after `#`, snippets indented. */
function commentText(lines: readonly CommentLine[]): string {
  const out: string[] = [];
  for (const line of lines) {
    if (typeof line === "string") out.push(...wrapLines([line], WIDTH));
    else out.push(...snippetLines(line.snippet).map((l) => `  ${l}`));
  }
  return out.map((l) => ` ${l}`).join("\n");
}

/**
 * A snippet as YAML lines: its objects in flow style (`since: { type: incremental, ... }`)
 * where that fits a comment line, else in block style.
 */
export function snippetLines(snippet: Record<string, unknown>): string[] {
  const doc = new Document(snippet);
  const root = doc.contents;
  if (isMap(root)) {
    for (const pair of root.items) {
      if (isMap(pair.value) || isSeq(pair.value)) pair.value.flow = true;
    }
  }
  const flow = doc.toString({ lineWidth: 0 }).trimEnd().split("\n");
  if (flow.every((line) => line.length <= WIDTH - 2)) return flow;
  return new Document(snippet).toString({ lineWidth: WIDTH - 2 }).trimEnd().split("\n");
}

/** Paginators, auth and params with a few scalar values read best on one line. */
function flowSmallMaps(node: Node | null | undefined): void {
  if (isSeq(node)) {
    for (const item of node.items) flowSmallMaps(item as Node);
    return;
  }
  if (!isMap(node)) return;
  for (const pair of node.items) {
    const value = pair.value as Node | null;
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (isMap(value) && FLOW_KEYS.has(key) && isSmall(value)) value.flow = true;
    else if (isSeq(value) && value.items.every(isScalar)) value.flow = true;
    else flowSmallMaps(value);
  }
}

const FLOW_KEYS = new Set(["paginator", "auth", "access_token_request_data"]);

function isSmall(map: YAMLMap): boolean {
  return map.items.every((p) => isScalar(p.value) || (isMap(p.value) && isSmall(p.value))) &&
    stringify(map.toJSON(), { collectionStyle: "flow", lineWidth: 0 }).length < 90;
}
