// The default theme's page script, loaded by every page (base.html).
(function () {
  // Dates that have passed since the site was built: mark them, and drop them from lists of
  // upcoming meetings. Without script the lists are as of the build, which is still right.
  var items = document.querySelectorAll("li[data-end]");
  if (!items.length || !Date.now) return;
  var now = Date.now();
  for (var i = 0; i < items.length; i++) {
    var end = Date.parse(items[i].getAttribute("data-end"));
    if (end && end < now) {
      items[i].classList.add("is-past");
      if (items[i].parentNode.hasAttribute("data-upcoming")) items[i].hidden = true;
    }
  }
  var months = document.querySelectorAll("section.month");
  for (var j = 0; j < months.length; j++) {
    if (!months[j].querySelector("li[data-end]:not([hidden])")) months[j].hidden = true;
  }
})();
(function () {
  // "Copy" buttons beside calendar addresses (the address can be copied by hand without them).
  var buttons = document.querySelectorAll("button[data-copy]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () {
      var field = document.getElementById(this.getAttribute("data-copy"));
      var status = field.parentNode.parentNode.querySelector(".copy-status");
      var say = function (text) {
        if (!status) return;
        status.textContent = "";
        setTimeout(function () { status.textContent = text; }, 100);
      };
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { say("Copied"); }, function () { say("Press Ctrl+C or ⌘C to copy"); });
      } else {
        say(document.execCommand && document.execCommand("copy") ? "Copied" : "Press Ctrl+C or ⌘C to copy");
      }
    });
  }
})();
(function () {
  // A meeting's time in the reader's own zone too, where it differs from the meeting's: the
  // page says "14:00–16:00 PST" (the meeting's zone is the truth), and this adds
  // "— 23:00–01:00 your time". Without script, nothing is lost.
  var times = document.querySelectorAll("time[data-zone]");
  if (!times.length || !window.Intl || !Intl.DateTimeFormat) return;
  var here;
  try { here = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  var format = function (zone, parts) {
    var options = { hourCycle: "h23" };
    for (var k in parts) options[k] = parts[k];
    if (zone) options.timeZone = zone;
    try { return new Intl.DateTimeFormat("en-GB", options); } catch (e) { return null; }
  };
  var day = { weekday: "short", day: "numeric", month: "short" };
  var hm = { hour: "2-digit", minute: "2-digit" };
  for (var i = 0; i < times.length; i++) {
    var t = times[i], zone = t.getAttribute("data-zone");
    var start = new Date(t.getAttribute("datetime")), end = new Date(t.getAttribute("data-end"));
    var theirs = format(zone, hm), mine = format(null, hm), theirDay = format(zone, day), myDay = format(null, day);
    if (!here || here === zone || isNaN(start) || !theirs || !mine) continue;
    if (theirs.format(start) === mine.format(start) && theirDay.format(start) === myDay.format(start)) continue;
    var text = mine.format(start) + (isNaN(end) ? "" : "–" + mine.format(end));
    if (myDay.format(start) !== theirDay.format(start)) text = myDay.format(start) + ", " + text;
    var span = document.createElement("span");
    span.className = "your-time";
    span.textContent = " — " + text + " your time";
    t.parentNode.insertBefore(span, t.nextSibling);
  }
})();
(function () {
  // The CE calendar's filters (by category and group): all in the page, no server. Without
  // script the form stays hidden and every CE meeting is listed.
  var form = document.querySelector("form[data-ce-filter]");
  if (!form) return;
  form.hidden = false;
  var selects = form.querySelectorAll("select[data-filter]");
  var status = form.querySelector(".ce-count");
  var apply = function () {
    var category = "", group = "";
    for (var i = 0; i < selects.length; i++) {
      if (selects[i].getAttribute("data-filter") === "category") category = selects[i].value;
      else group = selects[i].value;
    }
    var items = document.querySelectorAll("li[data-category]"), shown = 0;
    for (var j = 0; j < items.length; j++) {
      var it = items[j];
      var ok = (!category || it.getAttribute("data-category") === category) &&
        (!group || it.getAttribute("data-groups").indexOf(" " + group + " ") >= 0);
      it.classList.toggle("is-filtered", !ok);
      if (ok && !it.hidden) shown++;
    }
    var months = document.querySelectorAll(".ce-section section.month");
    for (var k = 0; k < months.length; k++) {
      months[k].classList.toggle("is-filtered", !months[k].querySelector("li[data-category]:not(.is-filtered):not([hidden])"));
    }
    if (status) status.textContent = shown + (shown === 1 ? " meeting" : " meetings");
  };
  for (var i = 0; i < selects.length; i++) selects[i].addEventListener("change", apply);
  apply();
})();
(function () {
  // A page's history: compare any two revisions, in the page, from revisions.json (each
  // revision's whole text); a line diff by longest common subsequence. Without script the
  // form stays hidden and each revision's own comparison page is a link away.
  var form = document.querySelector("form.compare-any");
  if (!form || !window.fetch) return;
  var result = document.querySelector(".compare-result");
  var body = result.querySelector("tbody");
  var status = form.querySelector(".compare-status");
  var revisions = null;
  form.hidden = false;
  var lines = function (t) { var l = t.split("\n"); if (l.length && l[l.length - 1] === "") l.pop(); return l; };
  var row = function (kind, oldN, newN, mark, text) {
    var tr = document.createElement("tr");
    tr.className = "diff-" + kind;
    [oldN, newN, mark].forEach(function (v, i) {
      var td = document.createElement("td");
      td.className = i < 2 ? "ln" : "mark";
      td.textContent = v === null ? "" : String(v);
      tr.appendChild(td);
    });
    var code = document.createElement("td");
    code.className = "code";
    var inner = document.createElement(kind === "added" ? "ins" : kind === "removed" ? "del" : "span");
    inner.textContent = text;
    code.appendChild(inner);
    tr.appendChild(code);
    body.appendChild(tr);
  };
  var compare = function () {
    var a = lines(revisions[Number(form.querySelector("#compare-from").value)].text);
    var b = lines(revisions[Number(form.querySelector("#compare-to").value)].text);
    var n = a.length, m = b.length, i, j;
    var len = [];
    for (i = 0; i <= n; i++) { len.push(new Array(m + 1).fill(0)); }
    for (i = n - 1; i >= 0; i--) for (j = m - 1; j >= 0; j--) len[i][j] = a[i] === b[j] ? len[i + 1][j + 1] + 1 : Math.max(len[i + 1][j], len[i][j + 1]);
    body.textContent = "";
    var added = 0, removed = 0;
    for (i = 0, j = 0; i < n || j < m;) {
      if (i < n && j < m && a[i] === b[j]) { row("context", i + 1, j + 1, "", a[i]); i++; j++; }
      else if (j < m && (i === n || len[i][j + 1] >= len[i + 1][j])) { row("added", null, j + 1, "+", b[j]); j++; added++; }
      else { row("removed", i + 1, null, "\u2212", a[i]); i++; removed++; }
    }
    result.hidden = false;
    status.textContent = added + " lines added, " + removed + " removed";
  };
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (revisions) return compare();
    status.textContent = "Loading…";
    fetch(form.getAttribute("data-revisions")).then(function (r) { return r.json(); }).then(function (list) {
      revisions = list;
      compare();
    }, function () { status.textContent = "The revisions could not be loaded."; });
  });
})();
