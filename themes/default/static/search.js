/* Site search for moot: reads the index that `moot build` writes to search/ (see
   src/render/search.rs) and needs no server. The pure functions (normalize, parse, shards,
   rank, marks) work without a DOM, so tests can load this file with require(). */
(function () {
  "use strict";

  // The same rules as the index (a Rust test checks that these tables match).
  var STOP_WORDS = "an and are as at be but by for from had has have he her his if in into is its of on or our she so than that the their them then there these they this those to was we were which with would you";
  var FOLD_FROM = "àáâãäåçèéêëìíîïñòóôõöøùúûüýÿāăąćĉċčďđēĕėęěĝğġģĥħĩīĭįıĵķĺļľŀłńņňōŏőŕŗřśŝşšţťŧũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǧǩǫǭǰǵǹǻȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳ";
  var FOLD_TO = "aaaaaaceeeeiiiinoooooouuuuyyaaaccccddeeeeegggghhiiiiijklllllnnnooorrrsssstttuuuuuuwyzzzouaiouuuuuaagkoojgnaaaeeiioorruusthaeooooy";
  var MIN_WORD = 2, MAX_WORD = 40;
  var MAX_RESULTS = 50;
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;
  var stop = new Set(STOP_WORDS.split(" "));
  var fold = new Map();
  Array.from(FOLD_FROM).forEach(function (c, i) { fold.set(c, FOLD_TO[i]); });

  /** One word, lower-cased, with the accents of Latin letters removed. */
  function normalize(word) {
    var out = "";
    for (var c of word.toLowerCase()) out += fold.get(c) || c;
    return out;
  }

  function indexed(word) {
    var n = Array.from(word).length;
    return n >= MIN_WORD && n <= MAX_WORD && !stop.has(word);
  }

  /** A query: its distinct indexed words, and whether the last is still being typed (so it
      also matches words it starts). */
  function parse(query) {
    var raw = (query.match(WORD) || []).map(normalize);
    var words = [];
    raw.forEach(function (w) {
      if (indexed(w) && words.indexOf(w) < 0) words.push(w);
    });
    var last = raw[raw.length - 1];
    var prefix = words.length > 0 && last === words[words.length - 1] && /[\p{Alphabetic}\p{N}]$/u.test(query);
    return { words: words, prefix: prefix };
  }

  /** The shard that may hold `word`: the last whose first word is not after it, or -1.
      `firsts` is the manifest's sorted list of each shard's first word. */
  function shardOf(word, firsts) {
    var lo = 0, hi = firsts.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (firsts[mid] <= word) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** The shards a word may be in; for a word still being typed, every shard that may hold a
      word it starts. */
  function shardsOf(word, prefix, firsts) {
    var i = shardOf(word, firsts);
    var out = i >= 0 ? [i] : [];
    if (prefix) {
      for (var j = i + 1; j < firsts.length && firsts[j].lastIndexOf(word, 0) === 0; j++) out.push(j);
    }
    return out;
  }

  /** Every shard a query needs. */
  function shards(q, firsts) {
    var out = [];
    q.words.forEach(function (w, i) {
      shardsOf(w, q.prefix && i === q.words.length - 1, firsts).forEach(function (n) {
        if (out.indexOf(n) < 0) out.push(n);
      });
    });
    return out;
  }

  /** doc -> weight from a delta-encoded [doc, weight, doc, weight, ...] list. */
  function postings(list, scale, into) {
    var doc = 0;
    for (var i = 0; i < list.length; i += 2) {
      doc += list[i];
      var w = list[i + 1] * scale;
      if (!(into.get(doc) >= w)) into.set(doc, w);
    }
    return into;
  }

  /** Pages with every word of the query, best first: [{doc, score}]. `loaded` maps a shard's
      number to the parsed shard (see shards()). Words that start with the word being typed
      count half. */
  function rank(q, firsts, loaded) {
    var scores = null;
    q.words.forEach(function (word, i) {
      var prefix = q.prefix && i === q.words.length - 1;
      var found = new Map();
      shardsOf(word, prefix, firsts).forEach(function (n) {
        var shard = loaded[n] || {};
        if (Object.prototype.hasOwnProperty.call(shard, word)) postings(shard[word], 1, found);
        if (!prefix) return;
        for (var w in shard) {
          if (w !== word && w.lastIndexOf(word, 0) === 0) postings(shard[w], 0.5, found);
        }
      });
      if (scores === null) {
        scores = found;
        return;
      }
      var next = new Map();
      scores.forEach(function (s, doc) {
        if (found.has(doc)) next.set(doc, s + found.get(doc));
      });
      scores = next;
    });
    var out = [];
    if (scores) scores.forEach(function (score, doc) { out.push({ doc: doc, score: score }); });
    out.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return out;
  }

  /** `text` cut into [piece, matches] pairs, matching words marked. */
  function marks(text, q) {
    var out = [];
    var at = 0;
    var last = q.prefix ? q.words[q.words.length - 1] : null;
    text.replace(WORD, function (m, offset) {
      var n = normalize(m);
      if (q.words.indexOf(n) >= 0 || (last && n.lastIndexOf(last, 0) === 0)) {
        if (offset > at) out.push([text.slice(at, offset), false]);
        out.push([m, true]);
        at = offset + m.length;
      }
      return m;
    });
    if (at < text.length) out.push([text.slice(at), false]);
    return out;
  }

  var api = { normalize: normalize, parse: parse, shards: shards, rank: rank, marks: marks, MAX_RESULTS: MAX_RESULTS };
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof document === "undefined") return;

  // ---------- The search page ----------

  var root = document.getElementById("search");
  if (!root) return;
  var base = root.getAttribute("data-base") || "";
  var form = root.querySelector("form");
  var input = form.querySelector("input[name=q]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var title = document.title;
  var manifest = null;
  var cache = {};
  var run = 0;

  function get(path, version) {
    var url = base + "/search/" + path + (version ? "?v=" + version : "");
    return fetch(url, version ? {} : { cache: "no-cache" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  function load() {
    if (!manifest) {
      manifest = get("manifest.json");
    }
    return manifest;
  }

  /** A file of the index, fetched once. */
  function file(m, name) {
    if (!cache[name]) cache[name] = get(name, m.v);
    return cache[name];
  }

  /** doc -> [title, url, kind, snippet] for the given docs, from the blocks that hold them. */
  function describe(m, docs) {
    var blocks = Array.from(new Set(docs.map(function (d) { return Math.floor(d / m.per_file); })));
    return Promise.all(blocks.map(function (b) { return file(m, "docs-" + b + ".json"); })).then(function (got) {
      var out = new Map();
      docs.forEach(function (d) {
        var block = got[blocks.indexOf(Math.floor(d / m.per_file))];
        if (block && block[d % m.per_file]) out.set(d, block[d % m.per_file]);
      });
      return out;
    });
  }

  // The count is announced once typing pauses, not after every letter.
  var saying = 0;
  function say(text) {
    clearTimeout(saying);
    saying = setTimeout(function () { status.textContent = text; }, text ? 400 : 0);
  }

  function append(parent, text, q) {
    marks(text, q).forEach(function (p) {
      if (p[1]) {
        var mark = document.createElement("mark");
        mark.textContent = p[0];
        parent.appendChild(mark);
      } else {
        parent.appendChild(document.createTextNode(p[0]));
      }
    });
  }

  function show(results, all, q, query) {
    list.textContent = "";
    results.forEach(function (r) {
      var d = all.get(r.doc);
      if (!d) return;
      var li = document.createElement("li");
      li.className = "search-result";
      var h = document.createElement("h2");
      h.className = "search-result-title";
      var a = document.createElement("a");
      a.href = d[1];
      append(a, d[0], q);
      h.appendChild(a);
      var meta = document.createElement("p");
      meta.className = "card-meta";
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = d[2];
      meta.appendChild(kind);
      li.appendChild(h);
      li.appendChild(meta);
      if (d[3]) {
        var p = document.createElement("p");
        p.className = "search-snippet";
        append(p, d[3], q);
        li.appendChild(p);
      }
      list.appendChild(li);
    });
    var n = results.total;
    var quoted = "“" + query.trim() + "”";
    if (n === 0) say("No pages found for " + quoted + ". Try fewer or other words.");
    else if (n > results.length) say(n + " pages found for " + quoted + "; showing the best " + results.length + ".");
    else say((n === 1 ? "1 page" : n + " pages") + " found for " + quoted + ".");
    document.title = query.trim() ? quoted + " — " + title : title;
  }

  function search(query) {
    var mine = ++run;
    var q = parse(query);
    if (!q.words.length) {
      list.textContent = "";
      say(query.trim() ? "Type a longer or less common word." : "");
      document.title = title;
      return;
    }
    load().then(function (m) {
      var needed = shards(q, m.shards);
      return Promise.all(needed.map(function (n) { return file(m, "w-" + n + ".json"); })).then(function (got) {
        var loaded = {};
        needed.forEach(function (n, i) { loaded[n] = got[i]; });
        var found = rank(q, m.shards, loaded);
        var best = found.slice(0, MAX_RESULTS);
        best.total = found.length;
        return describe(m, best.map(function (r) { return r.doc; })).then(function (all) {
          if (mine === run) show(best, all, q, query);
        });
      });
    }).catch(function () {
      if (mine !== run) return;
      manifest = null;
      cache = {};
      say("Search could not load its index. Check your connection and try again.");
    });
  }

  var timer = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var url = new URL(location.href);
      if (input.value) url.searchParams.set("q", input.value);
      else url.searchParams.delete("q");
      history.replaceState(null, "", url);
      search(input.value);
    }, 150);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    var url = new URL(location.href);
    url.searchParams.set("q", input.value);
    history.replaceState(null, "", url);
    search(input.value);
  });

  // Arrow keys move between the box and the results; Tab works as everywhere.
  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  }
  root.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    var all = links();
    var at = all.indexOf(document.activeElement);
    var to = null;
    if (document.activeElement === input) {
      if (e.key === "ArrowDown") to = all[0];
    } else if (at >= 0) {
      if (e.key === "ArrowDown") to = all[at + 1];
      else if (e.key === "ArrowUp") to = at === 0 ? input : all[at - 1];
      else if (e.key === "Escape") to = input;
    }
    if (to) {
      e.preventDefault();
      to.focus();
    }
  });

  var initial = new URLSearchParams(location.search).get("q") || "";
  input.value = initial;
  if (initial) search(initial);
})();
