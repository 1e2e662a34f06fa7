// Screenshots of the sample site's main kinds of page, on a desktop, on a phone and in dark
// mode, into docs/screenshots/ (what the README shows a newcomer):
//
//   cargo build && node tests/browser/screenshots.mjs
//
// Env: MOOT_BIN, CHROMIUM as for pages.mjs.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MODES, build, chromiumBin, htmlPages, repo, serve } from './site.mjs';

const into = path.join(repo, 'docs', 'screenshots');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'moot-shots-'));
const root = path.join(out, 'public');
build(repo, root);
const server = await serve(root);
const base = server.base;

const compare = htmlPages(root).find((r) => /^wiki\/.+\/history\/[0-9a-f]{7,}\/index\.html$/.test(r));
const pages = [
  ['home', '/'],
  ['group', '/groups/accessibility/'],
  ['meeting-series', '/meetings/2026/storytime-swap/'],
  ['calendar-month', '/calendar/2026/12/'],
  ['wiki-page', '/wiki/examples/alma-session-plan/'],
  ['search', '/search/?q=alt+text'],
  ['compare', compare && '/' + compare.replace(/index\.html$/, '')],
  ['ce-calendar', '/ce/'],
  ['lead', '/lead/'],
  ['person', '/people/mei-chen/'],
  ['sign-in', '/meetings/2027/screen-reader-practice-lab/sign-in/'],
  ['meeting-sessions', '/meetings/2027/screen-reader-practice-lab/'],
  ['groups', '/groups/'],
  ['meetings', '/meetings/'],
  ['past-meetings', '/meetings/past/'],
  ['calendar-now', '/calendar/'],
  ['ce-month', '/ce/2026/12/'],
  ['story', '/stories/catalogers-meet-reference/'],
  ['stories', '/stories/'],
  ['article', '/articles/accessible-pdfs-webinar/'],
  ['articles', '/articles/'],
  ['wiki', '/wiki/'],
  ['tags', '/tags/'],
  ['tag', '/tags/accessibility/'],
  ['people', '/people/'],
  ['history', '/wiki/examples/alma-session-plan/history/'],
  ['recent-changes', '/recent-changes/'],
  ['not-found', '/404.html'],
].filter(([, url]) => url);
const browser = await chromium.launch({ executablePath: chromiumBin, args: ['--no-sandbox'] });
try {
  for (const { name: mode, scheme, viewport } of MODES) {
    // In the sample site's zone, so that the pictures do not depend on this machine's.
    const page = await browser.newPage({ viewport, colorScheme: scheme, deviceScaleFactor: 1, timezoneId: 'America/Los_Angeles' });
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
