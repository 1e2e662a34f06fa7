// `moot serve`'s live reload, in a real browser: Debian's Chromium, driven by playwright-core,
// keeps pages of a small site open while its files are edited, broken, fixed and deleted, and
// each step checks what the open page then shows, without the test reloading it.
//
//   node tests/browser/serve.mjs      (after `npm ci` in tests/browser and `cargo build`)
//
// Env: MOOT_BIN (default target/debug/moot under the repo root), CHROMIUM (default
// /usr/bin/chromium), OUT (if set, a screenshot of the error overlay goes to
// $OUT/serve-overlay.png), VERBOSE (if set, the whole log below is printed at the end). Prints `ok - ...` / `not ok - ...` per step, then
// `N passed, M failed`; exits non-zero if any step failed. On a failure it also prints (as
// `#` lines) what the browser and the server did during that step.

import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const STEP_TIMEOUT = 10_000;
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const mootBin = path.resolve(repo, process.env.MOOT_BIN || 'target/debug/moot');
const chromiumBin = process.env.CHROMIUM || '/usr/bin/chromium';
const out = process.env.OUT || '';

// ---- a log of what happened, printed for a step that failed ------------------------------

const t0 = Date.now();
const log = [];
function note(what) {
  log.push(`${String(Date.now() - t0).padStart(6)} ms  ${what}`);
}

// ---- the site ------------------------------------------------------------------------------

const site = fs.mkdtempSync(path.join(os.tmpdir(), 'moot-browser-'));
function write(rel, text) {
  const p = path.join(site, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  note(`test: wrote ${rel} (${JSON.stringify(text.length > 60 ? text.slice(0, 60) + '…' : text)})`);
}
function remove(rel) {
  fs.unlinkSync(path.join(site, rel));
  note(`test: deleted ${rel}`);
}

write('moot.toml', 'title = "S"\nbase_url = "https://s.example.org"\n');
write('content/wiki/a.md', '---\ntitle: "Alpha"\n---\nFirst words.\n');
write('content/wiki/b.md', '---\ntitle: "Beta"\n---\nBee.\n');
write('content/meetings/m.md', '---\ntitle: "M"\nstart: "2026-12-03 14:00"\n---\n');

// ---- the server ----------------------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

let server = null;
let serverExit = null;
function startServer(port) {
  note(`test: starting ${mootBin} serve --port ${port} --root ${site}`);
  server = spawn(mootBin, ['serve', '--port', String(port), '--root', site], {
    env: { ...process.env, SOURCE_DATE_EPOCH: '1795608000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  serverExit = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
  serverExit.then(({ code, signal }) => note(`server: exited (code ${code}, signal ${signal})`));
  server.on('error', (e) => note(`server: could not start: ${e.message}`));
  for (const [name, stream] of [['server', server.stdout], ['server stderr', server.stderr]]) {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        note(`${name}: ${buf.slice(0, nl)}`);
        buf = buf.slice(nl + 1);
      }
    });
  }
}

async function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  server.kill('SIGTERM');
  const gone = await Promise.race([serverExit, sleep(5000, { unref: true }).then(() => false)]);
  if (!gone) {
    server.kill('SIGKILL');
    await serverExit;
  }
}

const sleep = (ms, { unref = false } = {}) =>
  new Promise((r) => {
    const t = setTimeout(r, ms);
    if (unref) t.unref();
  });

async function waitUntilServing(base) {
  const deadline = Date.now() + 60_000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error('moot serve exited before serving');
    try {
      const r = await fetch(base + '/', { signal: AbortSignal.timeout(2000) });
      await r.arrayBuffer();
      if (r.status !== 503) {
        note(`test: GET / -> ${r.status}: serving`);
        return;
      }
      last = 'HTTP 503';
    } catch (e) {
      last = e.cause?.code || e.message;
    }
    await sleep(50);
  }
  throw new Error(`GET / still answered ${last} after 60 s`);
}

// ---- the browser ---------------------------------------------------------------------------

function watchPage(page, name) {
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) note(`${name}: navigated to ${f.url()}`);
  });
  page.on('request', (r) => {
    if (r.url().includes('/__moot/events')) note(`${name}: event stream opened ${new URL(r.url()).search}`);
  });
  page.on('response', (r) => {
    if (r.request().isNavigationRequest()) note(`${name}: page answered ${r.status()} for ${r.url()}`);
    else if (r.status() >= 400) note(`${name}: ${r.status()} for ${r.url()}`);
  });
  page.on('console', (m) => note(`${name}: console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => note(`${name}: page error: ${e.message}`));
}

// Logs the live-reload messages each page receives, by wrapping EventSource before any
// script of the page runs.
const eventSourceSpy = () => {
  const Real = window.EventSource;
  window.EventSource = function (url, opts) {
    const es = new Real(url, opts);
    window.__mootEvents = es;
    es.addEventListener('message', (e) => console.debug('moot event: ' + e.data));
    es.addEventListener('error', () => console.debug('moot event stream: error (readyState ' + es.readyState + ')'));
    return es;
  };
  window.EventSource.prototype = Real.prototype;
};

/** What the page shows now, for failure messages. */
async function shown(page) {
  try {
    const t = await page.evaluate(() => {
      const main = document.querySelector('main') || document.body;
      const err = document.getElementById('moot-error');
      return `${document.title} | ${(main?.innerText || '').replace(/\s+/g, ' ').trim().slice(0, 200)}` +
        (err ? ` | overlay: ${err.textContent.slice(0, 200)}` : '');
    });
    return `${page.url()}: ${t}`;
  } catch (e) {
    return `${page.url()}: (could not read: ${e.message.split('\n')[0]})`;
  }
}

/**
 * Waits until `check` (run in the page) returns true, across reloads of the page, before
 * `deadline`; else throws "`what` did not happen within 10 s; the page shows: ...".
 */
async function until(page, deadline, what, check, arg) {
  while (true) {
    try {
      if (await page.evaluate(check, arg)) return;
    } catch (e) {
      // The page is navigating (its context went away): try again in the next one.
      if (!/context was destroyed|navigat|Target closed|has been closed/i.test(e.message)) throw e;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} did not happen within ${STEP_TIMEOUT / 1000} s; the page shows ${await shown(page)}`);
    }
    await sleep(50);
  }
}

const streamOpen = () => window.__mootEvents?.readyState === 1;

const textIn = (needle) => [
  (n) => (document.querySelector('main')?.innerText || '').includes(n),
  needle,
];

// ---- the steps -----------------------------------------------------------------------------

let passed = 0;
let failed = 0;
async function step(name, body) {
  const from = log.length;
  const started = Date.now();
  note(`test: --- step: ${name}`);
  try {
    await body(started + STEP_TIMEOUT);
    passed++;
    console.log(`ok - ${name}`);
    console.log(`# ${Date.now() - started} ms`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}`);
    for (const line of String(e?.message || e).split('\n')) console.log(`#   ${line}`);
    console.log('#   what happened meanwhile:');
    for (const line of log.slice(from)) console.log(`#   ${line}`);
  }
}

let browser = null;
async function main() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let page;
  let setupOk = false;
  await step('moot serve starts and /wiki/a/ opens in Chromium', async (deadline) => {
    if (!fs.existsSync(mootBin)) throw new Error(`no moot binary at ${mootBin} (run cargo build, or set MOOT_BIN)`);
    startServer(port);
    await waitUntilServing(base);
    browser = await chromium.launch({
      executablePath: chromiumBin,
      args: [
        '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    await context.addInitScript(eventSourceSpy);
    page = await context.newPage();
    watchPage(page, 'page a');
    const r = await page.goto(base + '/wiki/a/');
    if (r.status() !== 200) throw new Error(`GET /wiki/a/ answered ${r.status()}`);
    await until(page, Date.now() + STEP_TIMEOUT, '"First words." on /wiki/a/', ...textIn('First words.'));
    const hasScript = await page.evaluate(() => document.documentElement.outerHTML.includes('/__moot/events?'));
    if (!hasScript) throw new Error('/wiki/a/ has no live-reload script (no /__moot/events in the page)');
    await until(page, Date.now() + STEP_TIMEOUT, 'the event stream of /wiki/a/ opening', streamOpen);
    setupOk = true;
  });
  if (!setupOk) return;

  await step('body edit reloads the page', async (deadline) => {
    write('content/wiki/a.md', '---\ntitle: "Alpha"\n---\nSecond words.\n');
    await until(page, deadline, 'the open page showing "Second words."', ...textIn('Second words.'));
  });

  await step('front-matter edit (tags) reloads the page', async (deadline) => {
    write('content/wiki/a.md', '---\ntitle: "Alpha"\ntags: [circles]\n---\nSecond words.\n');
    await until(page, deadline, 'the open page showing the tag "circles"', () =>
      [...document.querySelectorAll('main a[rel~="tag"], main .tags a')].some((a) => a.textContent.trim() === 'circles'));
  });

  await step('stylesheet edit reloads the page', async (deadline) => {
    await until(page, deadline, 'setting window.__marker', () => ((window.__marker = 'before the edit'), true));
    write('static/extra.css', 'body { outline: 1px solid transparent; }\n');
    await until(page, deadline, 'a reload of the open page after static/extra.css was written (window.__marker gone)',
      () => window.__marker === undefined && document.readyState !== 'loading');
    const css = await page.evaluate(async () => (await fetch('/extra.css')).text()).catch((e) => e.message);
    if (!css.includes('outline')) throw new Error(`/extra.css (from static/extra.css) does not serve what was written: ${css.slice(0, 200)}`);
  });

  await step('broken save shows the error overlay over the last good page; the fix clears it', async (deadline) => {
    const mainText = () => document.querySelector('main')?.innerText || '';
    const before = await page.evaluate(mainText);
    write('content/wiki/a.md', '---\ntitle: [oops\ntags: [circles]\n---\nBroken words.\n');
    let fixed = false;
    try {
      await until(page, deadline, '#moot-error naming content/wiki/a.md', () => {
        const d = document.getElementById('moot-error');
        return !!d && d.getAttribute('role') === 'alert' && d.textContent.includes('content/wiki/a.md') &&
          d.getBoundingClientRect().height > 0;
      });
      if ((await page.evaluate(mainText)) !== before) {
        throw new Error(`with the overlay up the page should still show the last good content; it shows ${await shown(page)}`);
      }
      if (out) {
        fs.mkdirSync(out, { recursive: true });
        await page.screenshot({ path: path.join(out, 'serve-overlay.png') });
        note(`test: screenshot ${path.join(out, 'serve-overlay.png')}`);
      }
      write('content/wiki/a.md', '---\ntitle: "Alpha"\ntags: [circles]\n---\nFixed words.\n');
      fixed = true;
      await until(page, deadline, 'the overlay gone and "Fixed words." shown after the fix', () =>
        !document.getElementById('moot-error') && (document.querySelector('main')?.innerText || '').includes('Fixed words.'));
    } finally {
      // Leave the site building for the next step, whatever happened here.
      if (!fixed) write('content/wiki/a.md', '---\ntitle: "Alpha"\ntags: [circles]\n---\nFixed words.\n');
    }
  });

  await step("deleting an open page's file turns the page into the site's 404", async (deadline) => {
    const pageB = await page.context().newPage();
    watchPage(pageB, 'page b');
    const r = await pageB.goto(base + '/wiki/b/', { timeout: STEP_TIMEOUT });
    if (r.status() !== 200) throw new Error(`GET /wiki/b/ answered ${r.status()} before the delete`);
    await until(pageB, deadline, '"Bee." on /wiki/b/', ...textIn('Bee.'));
    await until(pageB, deadline, 'the event stream of /wiki/b/ opening', streamOpen);
    const reloaded = pageB.waitForResponse(
      (q) => q.request().isNavigationRequest() && q.url() === base + '/wiki/b/',
      { timeout: Math.max(1, deadline - Date.now()) },
    ).catch(() => null);
    remove('content/wiki/b.md');
    const again = await reloaded;
    if (!again) throw new Error(`the open /wiki/b/ was not reloaded within ${STEP_TIMEOUT / 1000} s; it shows ${await shown(pageB)}`);
    if (again.status() !== 404) throw new Error(`the reloaded /wiki/b/ answered ${again.status()}, not 404`);
    await until(pageB, deadline, 'the page text saying "not found"', () => /not found/i.test(document.body?.innerText || ''));
    await pageB.close();
  });
}

// If this script is stopped from outside, the server goes with it (playwright closes the
// browser on its own).
process.on('exit', () => server?.kill('SIGKILL'));
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    server?.kill('SIGKILL');
    fs.rmSync(site, { recursive: true, force: true });
    console.log(`not ok - interrupted by ${sig}`);
    console.log(`${passed} passed, ${failed + 1} failed`);
    process.exit(130);
  });
}

let crashed = null;
try {
  await main();
} catch (e) {
  crashed = e;
} finally {
  if (browser) await browser.close().catch(() => {});
  await stopServer().catch(() => {});
  fs.rmSync(site, { recursive: true, force: true });
}
if (crashed) {
  failed++;
  console.log(`not ok - the test itself failed: ${crashed.stack || crashed}`);
}
if (process.env.VERBOSE) for (const line of log) console.log(`# ${line}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
