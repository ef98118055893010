/* Krātuve report viewer: switch exclusions and see the similarity index and source
 * shares recomputed at once, and the source passage of a chosen match beside the text.
 *
 * The computation is the one in similarity/report/recompute.py (apply_exclusions):
 * a match stays when it has at least min_words words and its source is counted;
 * it counts unless excluded as a quotation or as bibliography; the index is the
 * union of counted submission spans over the submission's characters, in percent,
 * rounded to 2 decimals. Without JavaScript the form re-renders the page on the server.
 */
(function () {
  "use strict";
  var dataNode = document.getElementById("report-data");
  if (!dataNode) { return; }
  var report = JSON.parse(dataNode.textContent);
  var msg = JSON.parse(document.getElementById("viewer-messages").textContent);
  var form = document.getElementById("exclusions-form");
  var byId = {};
  report.matches.forEach(function (m) { byId[m.id] = m; });
  var sourceTitle = {};
  report.sources.forEach(function (s) { sourceTitle[s.source.id] = s.source.title; });
  var counted = {};

  function covered(spans) {
    spans.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var total = 0, end = -1;
    spans.forEach(function (s) {
      if (s[1] <= end) { return; }
      total += s[1] - Math.max(s[0], end);
      end = s[1];
    });
    return total;
  }

  function round2(x) { return Math.round(x * 100) / 100; }

  function exclusions() {
    var minWords = parseInt(form.elements.min_words.value, 10);
    if (isNaN(minWords)) { minWords = report.exclusions.min_words; }
    var excluded = {};
    report.exclusions.excluded_sources.forEach(function (id) { excluded[id] = true; });
    form.querySelectorAll("input.source-toggle").forEach(function (box) {
      if (!box.checked) { excluded[box.value] = true; }
    });
    return {
      minWords: Math.max(minWords, report.exclusions.min_words),
      quotations: form.elements.quotations.checked,
      bibliography: form.elements.bibliography.checked,
      excluded: excluded
    };
  }

  function kept(m, ex) { return m.words >= ex.minWords && !ex.excluded[m.source_id]; }
  function counts(m, ex) {
    return !((ex.quotations && m.in_quotation) || (ex.bibliography && m.in_bibliography));
  }

  function recompute() {
    var ex = exclusions();
    var total = Math.max(report.submission.characters, 1);
    var all = [], perSource = {};
    counted = {};
    report.matches.forEach(function (m) {
      if (!kept(m, ex) || !counts(m, ex)) { return; }
      counted[m.id] = true;
      var span = [m.submission.start, m.submission.end];
      all.push(span);
      (perSource[m.source_id] = perSource[m.source_id] || []).push(span);
    });
    document.getElementById("similarity-index").textContent = round2(100 * covered(all) / total).toFixed(2) + "%";
    document.querySelectorAll("[data-share-for]").forEach(function (cell) {
      var spans = perSource[cell.getAttribute("data-share-for")] || [];
      cell.textContent = round2(100 * covered(spans) / total).toFixed(2) + "%";
    });
    document.querySelectorAll("#fulltext a.hl").forEach(function (a) {
      var on = a.getAttribute("data-ids").split(" ").some(function (id) { return counted[id]; });
      a.classList.toggle("excluded", !on);
    });
    document.querySelectorAll("tr[data-match]").forEach(function (row) {
      row.classList.toggle("excluded", !counted[row.getAttribute("data-match")]);
    });
    var pdf = document.getElementById("pdf-link");
    if (pdf) {
      var query = new URLSearchParams(new FormData(form)).toString();
      pdf.setAttribute("href", pdf.getAttribute("href").split("?")[0] + "?" + query);
    }
    var selected = document.querySelector("#fulltext a.hl.selected");
    if (selected) { show(parseInt(selected.getAttribute("data-ids").split(" ")[0], 10), false); }
  }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }

  function side(title, part, colour, id) {
    var box = el("div", null, "side");
    if (colour) { box.style.borderColor = colour; }
    box.appendChild(el("h3", title));
    var where = (part.page ? fill(msg.page_n, { page: part.page }) + " · " : "") +
      fill(msg.chars_range, { start: part.start, end: part.end });
    box.appendChild(el("p", where, "note"));
    var quote = el("blockquote", part.text);
    quote.id = id;
    box.appendChild(quote);
    return box;
  }

  function show(id, updateUrl) {
    var m = byId[id];
    if (!m) { return; }
    var body = document.getElementById("passage-body");
    body.textContent = "";
    var head = el("p", null, "match-head");
    head.appendChild(el("strong", fill(msg.match_n, { id: m.id })));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(el("span", msg.kinds[m.kind] || m.kind, "kind"));
    if (m.in_quotation) { head.appendChild(document.createTextNode(" ")); head.appendChild(el("span", msg.in_quotation, "kind")); }
    if (m.in_bibliography) { head.appendChild(document.createTextNode(" ")); head.appendChild(el("span", msg.in_bibliography, "kind")); }
    if (!counted[m.id]) { head.appendChild(document.createTextNode(" ")); head.appendChild(el("span", msg.excluded, "kind excluded-tag")); }
    body.appendChild(head);
    body.appendChild(el("p", msg.words + ": " + m.words + " · " + msg.score + ": " + m.score.toFixed(2), "note"));
    var pair = el("div", null, "side-by-side");
    var swatch = document.querySelector('tr[data-source="' + CSS.escape(m.source_id) + '"] .swatch');
    pair.appendChild(side(msg.submission_side, m.submission, null, "passage-submission"));
    pair.appendChild(side(msg.source_side + ": " + (sourceTitle[m.source_id] || m.source_id), m.source,
      swatch ? swatch.style.backgroundColor : null, "passage-source"));
    body.appendChild(pair);
    var keys = Object.keys(m.evidence || {});
    if (keys.length) {
      body.appendChild(el("h3", msg.evidence));
      var dl = el("dl", null, "evidence");
      keys.forEach(function (k) { dl.appendChild(el("dt", k)); dl.appendChild(el("dd", String(m.evidence[k]))); });
      body.appendChild(dl);
    }
    document.querySelectorAll("#fulltext a.hl").forEach(function (a) {
      var on = a.getAttribute("data-ids").split(" ").indexOf(String(id)) >= 0;
      a.classList.toggle("selected", on);
      if (on) { a.setAttribute("aria-current", "true"); } else { a.removeAttribute("aria-current"); }
    });
    if (updateUrl && window.history && history.replaceState) {
      var url = new URL(window.location.href);
      url.searchParams.set("match", id);
      url.hash = "";
      history.replaceState(null, "", url.toString());
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.hl, a.match-link") : null;
    if (!link) { return; }
    event.preventDefault();
    show(parseInt(link.getAttribute("data-ids").split(" ")[0], 10), true);
    if (link.classList.contains("match-link")) {
      var mark = document.querySelector('#fulltext a.hl[data-ids~="' + link.getAttribute("data-ids") + '"]');
      if (mark) { mark.scrollIntoView({ block: "center" }); mark.focus(); }
    }
  });
  form.addEventListener("change", recompute);
  form.addEventListener("input", recompute);
  recompute();
})();
