// What the browser tests share: building a site with moot, serving an output folder over
// HTTP, the folder's html pages, and the three ways a page is looked at.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..', '..');
export const mootBin = path.resolve(repo, process.env.MOOT_BIN || 'target/debug/moot');
export const chromiumBin = process.env.CHROMIUM || '/usr/bin/chromium';

/// A desktop, the same in dark mode, and a phone.
export const MODES = [
  { name: 'desktop', scheme: 'light', viewport: { width: 1280, height: 900 } },
  { name: 'dark', scheme: 'dark', viewport: { width: 1280, height: 900 } },
  { name: 'phone', scheme: 'light', viewport: { width: 390, height: 844 } },
];

/// `moot build` of `root` into `output`, at the tests' fixed "now"; `args` are more options.
export function build(root, output, ...args) {
  execFileSync(mootBin, ['build', '--root', root, '--output', output, ...args], {
    env: { ...process.env, SOURCE_DATE_EPOCH: '1795608000' },
    stdio: 'pipe',
  });
}

const types = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/// Serves the folder `root` on 127.0.0.1 (`/a/` is `a/index.html`; nothing outside it):
/// its base address, and a function that stops it.
export async function serve(root) {
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
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/// Every html file under `root`, `/`-separated and relative to it, sorted.
export function htmlPages(root) {
  const pages = [];
  const walk = (dir) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.html')) pages.push(path.relative(root, p).split(path.sep).join('/'));
    }
  };
  walk(root);
  return pages;
}
