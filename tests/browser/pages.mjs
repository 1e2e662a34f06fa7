// Built pages in a real browser: Debian's Chromium, driven by playwright-core, opens pages of a
// site built with `moot build` (served from its output folder by a small static server) and
// checks what a reader sees: computed styles, in light and dark mode and at phone width.
//
//   node tests/browser/pages.mjs      (after `npm ci` in tests/browser and `cargo build`)
//
// Env: MOOT_BIN (default target/debug/moot under the repo root), CHROMIUM (default
// /usr/bin/chromium), OUT (if set, screenshots of the compare page and the phone menu go
// there). Prints `ok - ...` / `not ok - ...` per check, then `N passed, M failed`;
// exits non-zero if any check failed.

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { MODES, build, chromiumBin, htmlPages, repo, serve } from './site.mjs';

// ---- a site with a wiki page edited in two commits -----------------------------------------

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'moot-pages-'));
const site = path.join(work, 'site');
const out = path.join(work, 'public');
function write(rel, text) {
  const p = path.join(site, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Ana Ruiz',
  GIT_AUTHOR_EMAIL: 'ana@example.org',
  GIT_COMMITTER_NAME: 'Ana Ruiz',
  GIT_COMMITTER_EMAIL: 'ana@example.org',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};
const git = (...args) => execFileSync('git', args, { cwd: site, env: gitEnv, stdio: 'pipe' });

write('moot.toml', 'title = "S"\nbase_url = "https://s.example.org"\n');
write('content/wiki/a.md', '---\ntitle: "Alpha"\n---\nOne.\n\nTwo.\n');
write('content/wiki/wide.md', '---\ntitle: "Wide"\n---\n| ' + Array.from({ length: 12 }, (_, i) => `column ${i}`).join(' | ') + ' |\n|' + '---|'.repeat(12) + '\n| ' + Array.from({ length: 12 }, () => 'a-long-cell-value').join(' | ') + ' |\n');
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-q', '-m', 'First version', '--date', '2026-11-01T10:00:00Z');
write('content/wiki/a.md', '---\ntitle: "Alpha"\n---\nOne.\n\nTwo.\n\nThree.\n\nFour.\n\nFive.\n\nSix.\n');
git('add', '-A');
git('commit', '-q', '-m', 'Four more lines', '--date', '2026-11-02T10:00:00Z');
write('content/wiki/a.md', '---\ntitle: "Alpha"\n---\nOne.\n\nTwo, edited.\n\nThree.\n\nFour.\n\nFive.\n\nSix.\n');
git('add', '-A');
git('commit', '-q', '-m', 'Edit the second line', '--date', '2026-11-03T10:00:00Z');
build(site, out);
// The test fixture with every kind of page (and of meeting state), under /fixture/.
const fixtureOut = path.join(out, 'fixture');
build(path.join(repo, 'tests/fixtures/valid'), fixtureOut, '--base-url', 'http://127.0.0.1/fixture');
// The sample site of the repository, under /sample/ (its own base path).
const sampleOut = path.join(out, 'sample');
build(repo, sampleOut, '--base-url', 'http://127.0.0.1/sample', '--force');

// ---- the output folder over HTTP -----------------------------------------------------------

const server = await serve(out);
const base = server.base;

// ---- the sample site's pages, one of each kind ---------------------------------------------

function pageKinds(siteOut = sampleOut) {
  const pages = htmlPages(siteOut);
  const text = (rel) => fs.readFileSync(path.join(siteOut, rel), 'utf8');
  const rules = [
    ['home', (r) => r === 'index.html'],
    ['not found', (r) => r === '404.html'],
    ['groups', (r) => r === 'groups/index.html'],
    ['group', (r) => /^groups\/[^/]+\/index\.html$/.test(r)],
    ['group meetings', (r) => /^groups\/[^/]+\/meetings\/index\.html$/.test(r)],
    ['upcoming meetings', (r) => r === 'meetings/index.html'],
    ['past meetings', (r) => r === 'meetings/past/index.html'],
    ['meeting', (r) => /^meetings\/\d{4}\/[^/]+\/index\.html$/.test(r) && !text(r).includes('Meeting series')],
    ['meeting series', (r) => /^meetings\/\d{4}\/[^/]+\/index\.html$/.test(r) && text(r).includes('Meeting series')],
    ['cancelled meeting', (r) => /^meetings\/\d{4}\/[^/]+\/index\.html$/.test(r) && text(r).includes('banner-cancelled')],
    ['calendar', (r) => r === 'calendar/index.html'],
    ['calendar month', (r) => /^calendar\/\d{4}\/\d\d\/index\.html$/.test(r)],
    ['CE calendar', (r) => r === 'ce/index.html'],
    ['lead a meeting', (r) => r === 'lead/index.html'],
    ['people', (r) => r === 'people/index.html'],
    ['person', (r) => /^people\/[^/]+\/index\.html$/.test(r) && text(r).includes('prose')],
    ['sign-in sheet', (r) => /\/sign-in\/index\.html$/.test(r)],
    ['CE month', (r) => /^ce\/\d{4}\/\d\d\/index\.html$/.test(r)],
    ['stories', (r) => r === 'stories/index.html'],
    ['story', (r) => /^stories\/[^/]+\/index\.html$/.test(r) && !r.startsWith('stories/page/')],
    ['articles', (r) => r === 'articles/index.html'],
    ['article', (r) => /^articles\/[^/]+\/index\.html$/.test(r) && !r.startsWith('articles/page/')],
    ['wiki', (r) => r === 'wiki/index.html'],
    ['wiki page', (r) => /^wiki\/.+\/index\.html$/.test(r) && !r.includes('/history/')],
    ['tags', (r) => r === 'tags/index.html'],
    ['tag', (r) => /^tags\/[^/]+\/index\.html$/.test(r)],
    ['search', (r) => r === 'search/index.html'],
    ['recent changes', (r) => r === 'recent-changes/index.html'],
    ['history', (r) => /\/history\/index\.html$/.test(r)],
    ['compare', (r) => /\/history\/[0-9a-f]{7,}\/index\.html$/.test(r)],
  ];
  const kinds = [];
  for (const [kind, test] of rules) {
    const rel = pages.find(test);
    if (rel) kinds.push([kind, rel.replace(/index\.html$/, '')]);
  }
  return kinds;
}

// ---- the checks ----------------------------------------------------------------------------

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed++;
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name}${detail ? `\n# ${detail}` : ''}`);
  }
}

const browser = await chromium.launch({ executablePath: chromiumBin, args: ['--no-sandbox'] });
try {
  for (const { scheme, viewport } of MODES) {
    const what = `${scheme}, ${viewport.width} px`;
    const page = await browser.newPage({ viewport, colorScheme: scheme });
    await page.goto(`${base}/wiki/a/history/`);
    const compare = await page.locator('a[href*="/history/"]').evaluateAll((links) =>
      links.map((a) => a.getAttribute('href')).filter((h) => /\/history\/[0-9a-f]{7,}\/$/.test(h)),
    );
    check(`${what}: the history links to a comparison of each revision`, compare.length === 3, JSON.stringify(compare));
    if (compare.length > 1) {
      // The second newest: "Four more lines".
      await page.goto(base + compare[1]);
      const added = await page.locator('table.diff tr.diff-added').evaluateAll((rows) =>
        rows.map((r) => getComputedStyle(r).backgroundColor),
      );
      const context = await page.locator('table.diff tr.diff-context').evaluateAll((rows) =>
        rows.map((r) => getComputedStyle(r).backgroundColor),
      );
      check(`${what}: the comparison shows the 4 added lines`, added.length >= 4, JSON.stringify(added));
      check(
        `${what}: every added line has the same highlight (none lost to the table's stripes)`,
        added.length > 0 && added.every((c) => c === added[0]),
        JSON.stringify(added),
      );
      const share = await page.locator('table.diff tr.diff-added').first().evaluate((row) => {
        const numbers = [...row.querySelectorAll('td.ln, td.mark')].reduce((a, td) => a + td.getBoundingClientRect().width, 0);
        return numbers / row.closest('table').getBoundingClientRect().width;
      });
      if (process.env.OUT) await page.screenshot({ path: path.join(process.env.OUT, `compare-${viewport.width}-${scheme}.png`) });
      check(`${what}: the line numbers take at most a quarter of the comparison's width`, share <= 0.25, `${Math.round(share * 100)}%`);
      check(
        `${what}: added lines are highlighted unlike unchanged ones`,
        added.length > 0 && context.every((c) => c !== added[0]),
        `added ${added[0]}, unchanged ${JSON.stringify(context)}`,
      );
    }
    await page.close();
  }

  // ---- the keyboard: skip link, visible focus, the month grid and search -----------------------
  {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/sample/`);
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => {
      const a = document.activeElement;
      const r = a.getBoundingClientRect();
      return { cls: a.className, inView: r.top >= 0 && r.bottom <= innerHeight && r.width > 20 };
    });
    check('keyboard: the first Tab shows the skip link', skip.cls.includes('skip-link') && skip.inView, JSON.stringify(skip));
    await page.keyboard.press('Enter');
    check('keyboard: the skip link moves the focus to the main content', await page.evaluate(() => document.activeElement.id === 'main'));
    // Every focusable thing of a few pages shows where the focus is.
    for (const rel of ['', 'calendar/', 'meetings/2026/storytime-swap/', 'wiki/', 'search/']) {
      await page.goto(`${base}/sample/${rel}`);
      const unseen = [];
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const f = await page.evaluate(() => {
          const a = document.activeElement;
          if (!a || a === document.body) return null;
          const st = getComputedStyle(a);
          const card = a.closest('.card');
          const cardStyle = card ? getComputedStyle(card) : null;
          const shown = (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0) || st.boxShadow !== 'none' ||
            (cardStyle && cardStyle.outlineStyle !== 'none' && parseFloat(cardStyle.outlineWidth) > 0);
          return { what: a.tagName + (a.className ? '.' + a.className : '') + ' ' + (a.textContent || '').trim().slice(0, 30), shown };
        });
        if (!f) break;
        if (!f.shown) unseen.push(f.what);
      }
      check(`keyboard: every focused element of /${rel} shows its focus`, unseen.length === 0, JSON.stringify(unseen.slice(0, 5)));
    }
    // The month grid's meetings are links the keyboard reaches.
    await page.goto(`${base}/sample/calendar/2026/09/`);
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => !!document.activeElement.closest('.cal-grid .cal-event'));
    }
    check('keyboard: Tab reaches the meetings in the month grid', reached);
    // Search from the header: type and press Enter, the results come.
    await page.goto(`${base}/sample/`);
    await page.locator('#site-search-q').focus();
    await page.keyboard.type('alt text');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\/\?q=/);
    const results = await page.locator('#search-results a, .search-results a').first().waitFor({ timeout: 5000 }).then(() => true, () => false);
    check('keyboard: a search typed in the header and Enter shows results', results, page.url());
    await page.close();
  }

  // ---- print: a meeting's sign-up and online addresses on paper, no faint buttons ---------------
  {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/sample/meetings/2026/accessibility-pdf-remediation/`);
    await page.emulateMedia({ media: 'print' });
    const links = await page.locator('.facts a[href]').evaluateAll((as) =>
      as.map((a) => ({ href: a.getAttribute('href'), color: getComputedStyle(a).color, bg: getComputedStyle(a).backgroundColor, after: getComputedStyle(a, '::after').content })),
    );
    const signup = links.find((l) => l.href.includes('forms.example.org'));
    const online = links.find((l) => l.href.includes('meet.example.org'));
    check('print: the sign-up link prints black on no background, with its address', signup && signup.color === 'rgb(0, 0, 0)' && signup.bg === 'rgba(0, 0, 0, 0)' && signup.after.includes(signup.href), JSON.stringify(signup));
    check('print: the online link prints with its address', online && online.after.includes(online.href), JSON.stringify(online));
    await page.close();
  }

  // ---- print: the month grid on one page (A4 and Letter, landscape or not as the browser does)
  {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    for (const rel of ['calendar/2026/12/', 'calendar/2026/09/', 'ce/2026/12/']) {
      await page.goto(`${base}/sample/${rel}`);
      for (const format of ['A4', 'Letter']) {
        const pdf = await page.pdf({ format, printBackground: false });
        const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
        check(`print: the month /${rel} prints on one ${format} page`, pages === 1, `${pages} pages`);
      }
    }
    await page.close();
  }

  // ---- a wide table on a phone: it scrolls in its box, the page does not ---------------------
  {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${base}/wiki/wide/`);
    const box = await page.locator('.table-scroll').evaluate((b) => ({ scroll: b.scrollWidth, width: b.clientWidth, focusable: b.tabIndex === 0 }));
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    check('phone: a wide table scrolls in a focusable box and the page itself does not scroll sideways', box.scroll > box.width && box.focusable && pageWidth <= 390, JSON.stringify({ ...box, pageWidth }));
    // A sign-in sheet: the session opened (its #address) on one page, or the first one.
    const sheets = 'meetings/2027/screen-reader-practice-lab/sign-in/';
    await page.goto(`${base}/sample/${sheets}`);
    const second = await page.locator('.sheet').nth(1).getAttribute('id');
    for (const [what, hash] of [['the first sheet', ''], ['the session opened', `#${second}`]]) {
      await page.goto(`${base}/sample/${sheets}${hash}`);
      await page.emulateMedia({ media: 'print' });
      const shown = await page.locator('.sheet').evaluateAll((ss) => ss.filter((s) => s.checkVisibility()).map((s) => s.id));
      // Back to no emulation (emulating 'screen' would print the screen's styles).
      await page.emulateMedia({ media: null });
      for (const format of ['A4', 'Letter']) {
        const pdf = await page.pdf({ format, printBackground: false });
        const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
        check(`print: a sign-in sheet (${what}) prints on one ${format} page`, pages === 1, `${pages} pages`);
      }
      check(`print: the sign-in page prints ${what} alone`, shown.length === 1 && (hash === '' || `#${shown[0]}` === hash), JSON.stringify(shown));
    }
    await page.close();
  }

  // ---- a page's history: any two revisions compared in the page -----------------------------
  {
    const page = await browser.newPage();
    await page.goto(`${base}/wiki/a/history/`);
    await page.selectOption('#compare-from', '2');
    await page.selectOption('#compare-to', '0');
    await page.click('form.compare-any button');
    await page.locator('.compare-result').waitFor({ state: 'visible' });
    const status = await page.locator('.compare-status').innerText();
    const removed = await page.locator('.compare-result tr.diff-removed').allInnerTexts();
    check('history: the first and the last revision compared in the page', status === '9 lines added, 1 removed' && removed.length === 1 && removed[0].includes('Two.'), JSON.stringify({ status, removed }));
    await page.close();
    const context = await browser.newContext({ javaScriptEnabled: false });
    const plain = await context.newPage();
    await plain.goto(`${base}/wiki/a/history/`);
    check('history, no script: no compare form (each revision has its comparison page)', !(await plain.locator('form.compare-any').isVisible()));
    await context.close();
  }

  // ---- the CE calendar's filters, in the page --------------------------------------------------
  {
    const page = await browser.newPage();
    await page.goto(`${base}/sample/ce/`);
    const visible = () => page.locator('li[data-category]').evaluateAll((ls) => ls.filter((l) => l.checkVisibility()).map((l) => [l.dataset.category, l.dataset.groups.trim()]));
    const all = await visible();
    await page.selectOption('#ce-category', 'Accessibility');
    const access = await visible();
    await page.selectOption('#ce-category', '');
    await page.selectOption('#ce-group', '/sample/groups/alma-cataloging/');
    const alma = await visible();
    const count = await page.locator('.ce-count').innerText();
    check('CE calendar: the category filter shows that category only', access.length > 0 && access.length < all.length && access.every(([c]) => c === 'Accessibility'), JSON.stringify(access));
    check('CE calendar: the group filter shows that group only, and says how many', alma.length > 0 && alma.every(([, g]) => g.split(' ').includes('/sample/groups/alma-cataloging/')) && count === `${alma.length} meetings`, JSON.stringify({ alma, count }));
    await page.close();
    const context = await browser.newContext({ javaScriptEnabled: false });
    const plain = await context.newPage();
    await plain.goto(`${base}/sample/ce/`);
    const shown = await plain.locator('li[data-category]').evaluateAll((ls) => ls.filter((l) => l.checkVisibility()).length);
    check('CE calendar, no script: no filter form, every CE meeting listed', !(await plain.locator('form.ce-filter').isVisible()) && shown === all.length, `${shown} of ${all.length}`);
    await context.close();
  }

  // ---- a meeting's time in the reader's own zone, added by script where it differs ------------
  {
    const rel = 'sample/meetings/2027/screen-reader-practice-lab/';
    const seen = {};
    for (const zone of ['Europe/Berlin', 'America/Los_Angeles', 'Asia/Tokyo']) {
      const context = await browser.newContext({ timezoneId: zone });
      const page = await context.newPage();
      await page.goto(`${base}/${rel}`);
      seen[zone] = await page.locator('.when-line').innerText();
      await context.close();
    }
    const noScript = await browser.newContext({ timezoneId: 'Europe/Berlin', javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto(`${base}/${rel}`);
    const without = await plain.locator('.when-line').innerText();
    await noScript.close();
    check("reader's zone: Berlin sees the time in its zone too", seen['Europe/Berlin'] === 'Thu 18 Feb 2027, 14:00–15:00 PST — 23:00–00:00 your time', seen['Europe/Berlin']);
    check("reader's zone: Tokyo sees its own date and time", seen['Asia/Tokyo'] === 'Thu 18 Feb 2027, 14:00–15:00 PST — Fri 19 Feb, 07:00–08:00 your time', seen['Asia/Tokyo']);
    check("reader's zone: a reader in the meeting's zone sees it once", seen['America/Los_Angeles'] === 'Thu 18 Feb 2027, 14:00–15:00 PST', seen['America/Los_Angeles']);
    check("reader's zone: without script the meeting's zone alone", without === 'Thu 18 Feb 2027, 14:00–15:00 PST', without);
  }

  // ---- the header on a phone: under 120 px, and a menu that opens without script ---------------
  {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    const page = await context.newPage();
    for (const [kind, rel] of pageKinds()) {
      await page.goto(`${base}/sample/${rel}`);
      const height = await page.locator('header.site-header').evaluate((h) => h.getBoundingClientRect().height);
      check(`phone: the header of ${kind} (/${rel}) is at most 120 px high`, height <= 120, `${height} px`);
    }
    await page.goto(`${base}/sample/`);
    const menu = page.locator('header .nav-menu');
    const shownBefore = await page.locator('header .nav-menu a').evaluateAll((as) => as.filter((a) => a.checkVisibility()).length);
    await menu.locator('summary').click();
    const shown = await page.locator('header .nav-menu a').evaluateAll((as) => as.filter((a) => a.checkVisibility()).length);
    check('phone, no script: the menu is closed, then opens on a tap and shows the 8 links', shownBefore === 0 && shown === 8, `${shownBefore} then ${shown}`);
    if (process.env.OUT) await page.screenshot({ path: path.join(process.env.OUT, 'phone-menu.png') });
    await context.close();
    const wide = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await wide.goto(`${base}/sample/`);
    const row = await wide.locator('header .nav-wide a').evaluateAll((as) => as.filter((a) => a.checkVisibility()).length);
    const folded = await wide.locator('header .nav-menu').evaluate((d) => getComputedStyle(d).display);
    check('wide screen: the 8 links are in a row and the menu is hidden', row === 8 && folded === 'none', `${row} links, menu ${folded}`);
    await wide.close();
  }

  // ---- accessibility: axe-core on every kind of page of the sample site ----------------------
  const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  for (const { scheme, viewport } of MODES) {
    const what = `${scheme}, ${viewport.width} px`;
    const page = await browser.newPage({ viewport, colorScheme: scheme });
    const both = [...pageKinds().map(([k, r]) => [k, `sample/${r}`]), ...pageKinds(fixtureOut).map(([k, r]) => [`fixture ${k}`, `fixture/${r}`])];
    for (const [kind, rel] of both) {
      await page.goto(`${base}/${rel}`);
      await page.addScriptTag({ content: axeSource });
      const found = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length, where: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
      });
      const n = found.reduce((a, v) => a + v.n, 0);
      check(`${what}: ${kind} (/${rel}) has no serious or critical axe-core violations`, n === 0, JSON.stringify(found));
    }
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
  fs.rmSync(work, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
