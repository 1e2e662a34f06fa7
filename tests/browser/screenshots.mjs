// Screenshots of the sample site's main kinds of page, on a desktop, on a phone and in dark
// mode, into docs/screenshots/ (what the README shows a newcomer):
//
//   cargo build && node tests/browser/screenshots.mjs
//
// Env: MOOT_BIN, CHROMIUM as for pages.mjs.

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const mootBin = path.resolve(repo, process.env.MOOT_BIN || 'target/debug/moot');
const chromiumBin = process.env.CHROMIUM || '/usr/bin/chromium';
const into = path.join(repo, 'docs', 'screenshots');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'moot-shots-'));
execFileSync(mootBin, ['build', '--root', repo, '--output', path.join(out, 'public')], {
  env: { ...process.env, SOURCE_DATE_EPOCH: '1795608000' },
  stdio: 'pipe',
});
const root = path.join(out, 'public');
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.json': 'application/json' };
const server = http.createServer((req, res) => {
  let rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.join(root, rel);
  if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  res.end(fs.readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const firstCompare = () => {
  const hist = path.join(root, 'wiki');
  const found = [];
  const walk = (d) => {
    for (const n of fs.readdirSync(d).sort()) {
      const p = path.join(d, n);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (/\/history\/[0-9a-f]{7,}\/index\.html$/.test(p)) found.push(p);
    }
  };
  walk(hist);
  return found.length ? '/' + path.relative(root, found[0]).replace(/index\.html$/, '') : null;
};
const pages = [
  ['home', '/'],
  ['group', '/groups/accessibility/'],
  ['meeting-series', '/meetings/2026/storytime-swap/'],
  ['calendar-month', '/calendar/2026/12/'],
  ['wiki-page', '/wiki/examples/alma-session-plan/'],
  ['search', '/search/?q=alt+text'],
  ['compare', firstCompare()],
].filter(([, url]) => url);
const browser = await chromium.launch({ executablePath: chromiumBin, args: ['--no-sandbox'] });
try {
  for (const [mode, viewport, scheme] of [
    ['desktop', { width: 1280, height: 900 }, 'light'],
    ['phone', { width: 390, height: 844 }, 'light'],
    ['dark', { width: 1280, height: 900 }, 'dark'],
  ]) {
    const page = await browser.newPage({ viewport, colorScheme: scheme, deviceScaleFactor: 1 });
    for (const [name, url] of pages) {
      await page.goto(base + url);
      await page.waitForTimeout(name === 'search' ? 500 : 50);
      await page.screenshot({ path: path.join(into, `${name}-${mode}.png`) });
    }
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
  fs.rmSync(out, { recursive: true, force: true });
}
console.log(`${pages.length * 3} screenshots in ${path.relative(repo, into)}/`);
