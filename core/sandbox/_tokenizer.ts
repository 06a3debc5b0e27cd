/**
 * A JS/TS tokenizer that keeps only what an import scanner needs: identifiers, string
 * literals, template literals without substitutions, and punctuation, each with its line.
 * Comments, regular expressions and numbers are skipped or reduced to placeholders.
 *
 * @module
 */

/** What a token is. `other`: a number, a regex, or `${` opening a substitution. */
export type TokenType = "id" | "str" | "punct" | "tpl" | "other";

/** One token and the 1-based line it starts on. */
export interface Token {
  type: TokenType;
  value: string;
  line: number;
}

// After these keywords an expression starts, so `/` begins a regular expression.
const KEYWORDS_BEFORE_EXPRESSION = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);

/** Splits source into tokens; comments and regexes are dropped. */
export function tokenize(src: string): Token[] {
  return new Tokenizer(src).run();
}

class Tokenizer {
  readonly tokens: Token[] = [];
  /** Open template literals: each entry is the `{` depth at which its `${` was opened. */
  readonly templates: number[] = [];
  depth = 0;
  line = 1;
  i = 0;

  constructor(readonly src: string) {}

  run(): Token[] {
    const { src } = this;
    if (src.startsWith("#!")) this.i = src.includes("\n") ? src.indexOf("\n") : src.length;
    while (this.i < src.length) this.step(src[this.i]);
    return this.tokens;
  }

  step(c: string): void {
    const { src } = this;
    if (c === "\n") {
      this.line++;
      this.i++;
    } else if (c === " " || c === "\t" || c === "\r" || c === "\uFEFF") {
      this.i++;
    } else if (c === "/" && (src[this.i + 1] === "/" || src[this.i + 1] === "*")) {
      this.skipComment();
    } else if (c === '"' || c === "'") {
      this.readString();
    } else if (c === "`") {
      this.readTemplate(this.i + 1);
    } else if (c === "/" && this.regexAllowed()) {
      this.readRegex();
    } else if (isIdentStart(c)) {
      this.readWhile("id", isIdentPart);
    } else if (c >= "0" && c <= "9") {
      this.readWhile("other", (d) => /[\w.]/.test(d));
    } else if (c === "}" && this.templates.at(-1) === this.depth - 1) {
      // The `}` closing a `${`: the template literal goes on.
      this.depth--;
      this.templates.pop();
      this.readTemplate(this.i + 1);
    } else {
      if (c === "{") this.depth++;
      if (c === "}") this.depth--;
      this.push("punct", c);
      this.i++;
    }
  }

  push(type: TokenType, value: string, line = this.line): void {
    this.tokens.push({ type, value, line });
  }

  regexAllowed(): boolean {
    const prev = this.tokens.at(-1);
    if (!prev) return true;
    if (prev.type === "punct") return prev.value !== ")" && prev.value !== "]";
    if (prev.type === "id") return KEYWORDS_BEFORE_EXPRESSION.has(prev.value);
    return prev.value === "${";
  }

  skipComment(): void {
    const { src } = this;
    if (src[this.i + 1] === "/") {
      const end = src.indexOf("\n", this.i);
      this.i = end < 0 ? src.length : end;
      return;
    }
    const end = src.indexOf("*/", this.i + 2);
    const stop = end < 0 ? src.length : end + 2;
    for (let j = this.i; j < stop; j++) if (src[j] === "\n") this.line++;
    this.i = stop;
  }

  readWhile(type: TokenType, part: (c: string) => boolean): void {
    let j = this.i + 1;
    while (j < this.src.length && part(this.src[j])) j++;
    this.push(type, this.src.slice(this.i, j));
    this.i = j;
  }

  /** A quoted string; an unterminated one ends at the line end, as in JS. */
  readString(): void {
    const { src } = this;
    const quote = src[this.i];
    const first = this.line;
    let value = "";
    let j = this.i + 1;
    while (j < src.length && src[j] !== quote && src[j] !== "\n") {
      if (src[j] === "\\") {
        if (src[j + 1] === "\n") this.line++;
        value += src[j + 1] ?? "";
        j += 2;
      } else {
        value += src[j++];
      }
    }
    this.push("str", value, first);
    this.i = src[j] === quote ? j + 1 : j;
  }

  /** A template literal's text from `start` (after "`" or "}") up to "`" or "${". */
  readTemplate(start: number): void {
    const { src } = this;
    const first = this.line;
    let text = "";
    let j = start;
    while (j < src.length) {
      const c = src[j];
      if (c === "\\") {
        text += src[j + 1] ?? "";
        j += 2;
      } else if (c === "`") {
        this.push("tpl", text, first);
        this.i = j + 1;
        return;
      } else if (c === "$" && src[j + 1] === "{") {
        // A template with substitutions is never a usable specifier.
        this.push("other", "${", first);
        this.templates.push(this.depth);
        this.depth++;
        this.i = j + 2;
        return;
      } else {
        if (c === "\n") this.line++;
        text += c;
        j++;
      }
    }
    this.i = j;
  }

  /** A regex literal, or a division when no regex ends on this line. */
  readRegex(): void {
    const { src } = this;
    let inClass = false;
    for (let j = this.i + 1; j < src.length && src[j] !== "\n"; j++) {
      const c = src[j];
      if (c === "\\") j++;
      else if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) {
        let k = j + 1;
        while (k < src.length && /[a-z]/i.test(src[k])) k++;
        this.push("other", "regex");
        this.i = k;
        return;
      }
    }
    this.push("punct", "/");
    this.i++;
  }
}

function isIdentStart(c: string): boolean {
  return /[A-Za-z_$#]/.test(c) || c.charCodeAt(0) > 127;
}

function isIdentPart(c: string): boolean {
  return /[\w$]/.test(c) || c.charCodeAt(0) > 127;
}
