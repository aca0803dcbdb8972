// Usage: node axe.mjs SCREENSHOT_DIR PAGE.html [PAGE.html …]
//
// Opens each page from disk in headless Chromium (/usr/bin/chromium, or $CHROMIUM), with
// every network request refused, runs axe-core with the WCAG 2.0/2.1/2.2 A and AA rules, and
// saves a screenshot of the first screen of each page. Prints one JSON report and exits 1 on
// any violation or any attempt to load something from the network.
import { chromium } from "playwright-core";
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [shots, ...pages] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const report = { pages: [] };
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  for (const page of pages) {
    const tab = await context.newPage();
    const network = [];
    await tab.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:")) return route.continue();
      network.push(url);
      return route.abort();
    });
    await tab.goto(pathToFileURL(resolve(page)).href, { waitUntil: "load" });
    await tab.addScriptTag({ content: axeSource });
    const result = await tab.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } });
      return { violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) })), passes: r.passes.length };
    });
    const lang = await tab.evaluate(() => document.documentElement.lang);
    const name = `${basename(dirname(page))}-${basename(page, ".html")}.png`;
    await tab.screenshot({ path: `${shots}/${name}` });
    report.pages.push({ page, lang, violations: result.violations, rules_passed: result.passes, network });
    if (result.violations.length > 0 || network.length > 0) failed = true;
    await tab.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
process.exit(failed ? 1 : 0);
