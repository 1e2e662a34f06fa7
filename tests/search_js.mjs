// search.js against a built index: `node tests/search_js.mjs OUTDIR` (run by tests/search.rs).
// Loads the script's pure functions without a DOM and ranks queries as the search page does.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const s = require(join(here, "../themes/default/static/search.js"));
const out = process.argv[2];
if (!out) throw new Error("usage: node tests/search_js.mjs OUTDIR");

const read = (name) => JSON.parse(readFileSync(join(out, "search", name), "utf8"));
const manifest = read("manifest.json");
const doc = (d) => read(`docs-${Math.floor(d / manifest.per_file)}.json`)[d % manifest.per_file];

function search(query) {
  const q = s.parse(query);
  const loaded = {};
  for (const n of s.shards(q, manifest.shards)) loaded[n] = read(`w-${n}.json`);
  return s.rank(q, manifest.shards, loaded).map((r) => doc(r.doc));
}

// Normalizing: case, accents, stop words, short words, and whether the last word is a prefix.
assert.equal(s.normalize("Łódź"), "lodz");
assert.equal(s.normalize("NAÏVE"), "naive");
assert.deepEqual(s.parse("The NVDA, and a lab"), { words: ["nvda", "lab"], prefix: true });
assert.deepEqual(s.parse("lab "), { words: ["lab"], prefix: false });
assert.deepEqual(s.parse("the of"), { words: [], prefix: false });
// Shards: a word's is the last that starts at or before it; a word being typed also needs the
// shards that start with it.
const firsts = ["ab", "cat", "catalog", "cataloging", "dog"];
assert.deepEqual(s.shards(s.parse("cat "), firsts), [1]);
assert.deepEqual(s.shards(s.parse("cats "), firsts), [3]);
assert.deepEqual(s.shards(s.parse("cataloger "), firsts), [2]);
assert.deepEqual(s.shards(s.parse("aa "), firsts), []);
assert.deepEqual(s.shards(s.parse("zebra cat"), firsts), [4, 1, 2, 3]);
assert.deepEqual(s.shards(s.parse("ca"), firsts), [0, 1, 2, 3]);

// A word only in one page's text.
assert.deepEqual(search("NVDA").map((d) => d[1]), ["/meetings/2026/weekly-lab/"]);
// A title word ranks its page first.
assert.equal(search("alma")[0][1], "/groups/alma/");
assert.equal(search("facilitator handbook")[0][1], "/articles/handbook/");
// The last word also finds words it starts, below an exact match.
assert.equal(search("facilit")[0][1], "/articles/handbook/");
assert.ok(search("scree").some((d) => d[1] === "/meetings/2026/weekly-lab/"));
// Every word must be on the page.
assert.deepEqual(search("nvda handbook"), []);
assert.deepEqual(search("zzzzqx"), []);
// Drafts are not there.
assert.deepEqual(search("secret"), []);

// Highlighting: the matched words of a title, as they are written.
const q = s.parse("screen rea");
assert.deepEqual(s.marks("Screen reader lab", q), [["Screen", true], [" ", false], ["reader", true], [" lab", false]]);
assert.deepEqual(s.marks("nothing here", q), [["nothing here", false]]);

console.log("search.js: ok");
