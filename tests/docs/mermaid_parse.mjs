// Parse each file given with mermaid's own parser (in jsdom); print the failures, exit 1 if any.
import fs from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");

let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    await mermaid.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    failed += 1;
    console.log(`${file}: ${error.message}`);
  }
}
process.exit(failed ? 1 : 0);
