// Copies the front-end packages motcua serves from node_modules into
// build/static/vendor, which Django's staticfiles picks up. Nothing from npm
// is ever committed; `make` runs this after `npm ci`. axe-core is a test-only
// package: the browser tests inject it from node_modules, it is never served.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build", "static", "vendor");

const files = {
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
};

rmSync(out, { recursive: true, force: true });
for (const [from, to] of Object.entries(files)) {
  const target = join(out, to);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join(root, "node_modules", from), target);
  console.log(`static: ${to}`);
}
