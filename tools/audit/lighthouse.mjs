// Lighthouse on the site's pages, desktop and mobile: prints each category's score
// and every audit that does not pass.
//
//	npm ci --prefix tools/audit
//	node tools/audit/lighthouse.mjs            # serves the bundled corpus itself
//	node tools/audit/lighthouse.mjs --check    # also exits 1 below 100 in accessibility, best practices or SEO
//	node tools/audit/lighthouse.mjs --url http://127.0.0.1:8080   # a server already running
//
// Run from the repository's root, with Go (to build the server) and Debian's Chromium
// (CHROME_PATH, /usr/bin/chromium by default). The performance score depends on the
// machine's load, so --check never asserts it.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";

// pages are the audited addresses: a results page (filters, evidence map, hits) and a
// document page, as a reader arrives at them from a search.
const pages = [
  "/search?q=ALS&hl=en",
  "/doc/000_7296aed5b39c99c6?q=Muse&hl=en",
];

// formFactors are Lighthouse's two: its default configuration emulates a phone on a
// throttled network; the desktop one a desktop screen on a fast one.
const formFactors = [
  { name: "desktop", config: desktopConfig },
  { name: "mobile", config: undefined },
];

// checked are the categories --check asserts at 100: their audits do not depend on timing.
const checked = ["accessibility", "best-practices", "seo"];

// chromeFlags run Debian's Chromium headless as root in a container.
const chromeFlags = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// attempts is how many times a page is audited when Lighthouse fails to record it.
const attempts = 3;

// readyTimeout bounds the wait for the server to index the bundled corpus.
const readyTimeout = 120_000;

const { values: opts } = parseArgs({
  options: {
    url: { type: "string" },
    check: { type: "boolean", default: false },
  },
});

const scratch = mkdtempSync(join(tmpdir(), "musesearch-lighthouse-"));
let server;
let failed = false;
try {
  const base = opts.url ?? (await serveBundle());
  for (const page of pages) {
    for (const ff of formFactors) {
      failed = (await audit(base + page, ff)) || failed;
    }
  }
} finally {
  server?.kill();
  rmSync(scratch, { recursive: true, force: true });
}
if (failed) {
  console.error(`\nbelow 100 in ${checked.join(", ")}`);
  process.exit(1);
}

// serveBundle builds musesearch, serves the bundled corpus from a fresh directory on a
// free port, and returns its address once it is ready.
async function serveBundle() {
  const bin = join(scratch, "musesearch");
  execFileSync("go", ["build", "-o", bin, "./cmd/musesearch"], { stdio: "inherit" });
  const port = 20000 + Math.floor(Math.random() * 20000);
  const base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ["serve", "--addr", `127.0.0.1:${port}`, "--log-level", "warn",
    "--corpus", join(scratch, "corpus"), "--index", join(scratch, "index")], { stdio: "inherit" });
  const exited = new Promise((_, reject) => server.on("exit", (code) => reject(new Error(`musesearch serve exited (${code})`))));
  const deadline = Date.now() + readyTimeout;
  while (Date.now() < deadline) {
    const ready = await Promise.race([
      fetch(base + "/readyz").then((r) => r.ok, () => false),
      exited,
    ]);
    if (ready) {
      return base;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`musesearch serve was not ready within ${readyTimeout / 1000} s`);
}

// audit runs Lighthouse on url, prints the scores and what does not pass, and reports
// whether --check fails it.
async function audit(url, ff) {
  let lhr;
  for (let attempt = 1; ; attempt++) {
    lhr = await lighthouseRun(url, ff);
    // Lighthouse asks to be run again when Chromium's trace of the load is broken
    // (NO_NAVSTART, NO_FCP), which a loaded machine makes happen now and then.
    if (!lhr.runtimeError || attempt === attempts) {
      break;
    }
    console.log(`\n${ff.name} ${url}: ${lhr.runtimeError.code}, running it again`);
  }
  const cats = Object.values(lhr.categories);
  const score = (c) => Math.round(c.score * 100);
  console.log(`\n${ff.name.padEnd(8)} ${new URL(url).pathname + new URL(url).search}`);
  console.log("  " + cats.map((c) => `${c.title} ${score(c)}`).join(" · "));
  if (lhr.runtimeError) {
    console.log(`  ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    return opts.check;
  }
  for (const c of cats) {
    for (const ref of c.auditRefs) {
      const a = lhr.audits[ref.id];
      if (ref.group === "hidden" || !failing(a)) {
        continue;
      }
      const value = a.displayValue ? ` (${a.displayValue})` : a.errorMessage ? ` (${a.errorMessage})` : "";
      console.log(`  ${c.id}: ${a.id}${value}: ${a.title}`);
      for (const item of (a.details?.items ?? []).slice(0, 5)) {
        const where = item.node?.selector ?? item.url ?? item.source?.url;
        if (where) {
          console.log(`      ${where}`);
        }
      }
    }
  }
  return opts.check && cats.some((c) => checked.includes(c.id) && score(c) < 100);
}

// lighthouseRun runs Lighthouse on url in a fresh Chromium and returns its report.
async function lighthouseRun(url, ff) {
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH || "/usr/bin/chromium",
    chromeFlags,
    userDataDir: mkdtempSync(join(scratch, "chrome-")),
  });
  try {
    return (await lighthouse(url, { port: chrome.port, logLevel: "error", output: "json" }, ff.config)).lhr;
  } finally {
    await chrome.kill();
  }
}

// failing tells whether an audit does not pass: one that estimates a saving, a pass/fail
// audit that fails, a metric below Lighthouse's green, or one that could not run.
function failing(a) {
  if (a.score === null) {
    return a.scoreDisplayMode === "error";
  }
  if (a.metricSavings) {
    return a.score < 1 && Object.values(a.metricSavings).some((ms) => ms > 0);
  }
  return a.score < (a.scoreDisplayMode === "binary" ? 1 : 0.9);
}
