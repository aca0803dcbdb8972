// Tokenizes .intent files with the extension's TextMate grammar, as VS Code would, and checks
// what a reader relies on: every text is closed by the end of its file, every declaration
// keyword and id is coloured as one, every Welsh stamp is a stamp, and no quote outside a
// comment is left out of a text. Prints one line per problem; exits 1 if there is any.
//
//   node grammar.mjs FILE.intent…

import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
await oniguruma.loadWASM(wasm.buffer);

const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (p) => new oniguruma.OnigScanner(p),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async () =>
    vsctm.parseRawGrammar(
      fs.readFileSync(path.join(here, "../syntaxes/intent.tmLanguage.json"), "utf8"),
      "intent.tmLanguage.json"
    ),
});
const grammar = await registry.loadGrammar("source.intent");

const DECLARATION = /^\s*(document|section|intention|theme|partner|heading|requirement|service|attribute|bands|targeting|establishment|previous_intention|characteristic|term)\s+\S/;

/** Whether the state carried from one line to the next is inside a text. */
function inText(stack) {
  return grammar.tokenizeLine(" ", stack).tokens[0].scopes.some((x) => x.startsWith("string"));
}

/** Problems found in one source text. */
export function problems(name, source) {
  const out = [];
  let stack = vsctm.INITIAL;
  const lines = source.split(/\r?\n/);
  lines.forEach((line, i) => {
    const { tokens, ruleStack } = grammar.tokenizeLine(line, stack);
    const at = (col) => tokens.find((t) => t.startIndex <= col && col < t.endIndex)?.scopes ?? [];
    const where = (col) => `${name}:${i + 1}:${col + 1}`;
    const m = !inText(stack) && DECLARATION.exec(line);
    if (m) {
      const col = line.indexOf(m[1]);
      if (!at(col).includes("keyword.declaration.intent")) out.push(`${where(col)}: \`${m[1]}\` is not coloured as a declaration`);
      const id = line.slice(col + m[1].length).search(/\S/) + col + m[1].length;
      if (!at(id).includes("entity.name.type.intent")) out.push(`${where(id)}: the id is not coloured as a name`);
    }
    for (const s of line.matchAll(/\bcy@[0-9a-f]{8}\b/g)) {
      const scopes = at(s.index + 3);
      if (!scopes.includes("constant.other.stamp.intent") && !scopes.some((x) => x.startsWith("comment"))) {
        out.push(`${where(s.index)}: the stamp is not coloured as a stamp`);
      }
    }
    for (const q of line.matchAll(/"/g)) {
      const scopes = at(q.index);
      if (!scopes.some((x) => x.startsWith("string") || x.startsWith("comment"))) {
        out.push(`${where(q.index)}: a quote outside any text`);
      }
    }
    stack = ruleStack;
  });
  if (inText(stack)) out.push(`${name}:${lines.length}: a text is still open at the end of the file`);
  return out;
}

// The checks must be able to fail: an unclosed text is caught.
if (problems("self-test", 'section s {\n  text { en """\n  never closed\n}\n').length === 0) {
  console.error("grammar.mjs: the self-test found no open text; the checks are broken");
  process.exit(2);
}

let lines = 0;
const found = [];
for (const file of process.argv.slice(2)) {
  const source = fs.readFileSync(file, "utf8");
  lines += source.split("\n").length;
  found.push(...problems(file, source));
}
for (const p of found) console.log(p);
console.log(`${process.argv.length - 2} files, ${lines} lines, ${found.length} problems`);
process.exit(found.length ? 1 : 0);
