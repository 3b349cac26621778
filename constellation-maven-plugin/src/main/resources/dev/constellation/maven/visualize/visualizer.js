/* Constellation visualizer: runs list, live view of a running run, comparison of two runs. One page, hash routes:
   #/ (runs), #/run/<runId> (live; a finished run opens its report), #/compare/<baseline>/<current>.
   Every text from a run (names, ids, messages) is set with textContent, never parsed as markup. */
(function () {
  "use strict";
  var body = document.body;
  function recordError(text) {
    var box = document.getElementById("js-errors");
    box.hidden = false;
    box.textContent += text + "\n";
    body.setAttribute("data-js-errors", String(Number(body.getAttribute("data-js-errors") || "0") + 1));
  }
  window.addEventListener("error", function (e) {
    recordError("error: " + (e.message || e.type) + (e.filename ? " at " + e.filename + ":" + e.lineno : ""));
  });

  var palette = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d",
    "#ea580c", "#4f46e5", "#0d9488", "#9333ea", "#b45309", "#be123c", "#15803d", "#1d4ed8"];
  function color(i) { return palette[i % palette.length]; }
  var view = document.getElementById("view");
  var timer = null;
  var generation = 0;
  var charts = {};

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] == null) return;
      if (k === "text") e.textContent = attrs[k];
      else if (k === "cls") e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c != null) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function fmtMs(v) {
    if (v == null || isNaN(v)) return "-";
    if (v < 10) return v.toFixed(2);
    if (v < 1000) return v.toFixed(1);
    return v.toFixed(0);
  }
  function fmtMsUnit(v) {
    if (v == null || isNaN(v)) return "-";
    if (v < 1000) return fmtMs(v) + " ms";
    return (v / 1000).toFixed(2) + " s";
  }
  function fmtNum(v) {
    if (v == null || isNaN(v)) return "-";
    return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
  }
  function fmtPct(fraction) { return fraction == null || isNaN(fraction) ? "-" : (fraction * 100).toFixed(2) + "%"; }
  function fmtDuration(ms) {
    if (ms == null || isNaN(ms)) return "-";
    var s = Math.round(ms / 1000), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return (h ? h + "h" : "") + (m ? m + "m" : "") + (r || (!h && !m) ? r + "s" : "");
  }
  function fmtTime(iso) { return iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z").replace("Z", " UTC") : "-"; }
  function signed(v, unit) { return v == null || isNaN(v) ? "-" : (v > 0 ? "+" : "") + v.toFixed(1) + unit; }
  function pctSuffix(p) { return p == null || isNaN(p) ? "" : " (" + (p > 0 ? "+" : "") + p.toFixed(1) + "%)"; }

  function getJson(url) {
    return fetch(url, { cache: "no-store" }).then(function (r) {
      if (!r.ok) return r.text().then(function (t) { var e = new Error(url + ": " + r.status + " " + t); e.status = r.status; throw e; });
      return r.json();
    });
  }
  function stop() {
    if (timer) clearTimeout(timer);
    timer = null;
    generation++;
    Object.keys(charts).forEach(function (k) { charts[k].u.destroy(); });
    charts = {};
    body.setAttribute("data-charts-rendered", "0");
  }
  function setFacts(items) {
    var facts = document.getElementById("facts");
    facts.textContent = "";
    items.forEach(function (it) { facts.appendChild(el("span", {}, [el("b", { text: it[0] + ": " }), it[1]])); });
  }
  function statusBadge(run) {
    var s = run.status;
    if (s === "completed") s = run.passed === false ? "failed" : "passed";
    return el("span", { cls: "status " + s, text: s.toUpperCase() });
  }

  /* ---------- runs list ---------- */
  var selected = [];
  function showRuns() {
    var my = generation;
    document.getElementById("title").textContent = "runs";
    setFacts([]);
    body.setAttribute("data-view", "runs");
    var last = "";
    function poll() {
      Promise.all([getJson("/api/runs"), getJson("/api/store")]).then(function (both) {
        if (my !== generation) return;
        var text = JSON.stringify(both);
        if (text !== last) {
          last = text;
          renderRuns(both[0], both[1]);
        }
      }).catch(function (e) { if (my === generation) recordError(String(e)); })
        .then(function () { if (my === generation) timer = setTimeout(poll, 2000); });
    }
    poll();
  }
  /* A run kept only in the results store is fetched into the runs directory (as constellation:report rebuilds it)
     before its report or a comparison opens; a local run needs nothing (the server answers 404: nothing to fetch). */
  function ensureLocal(runId, progress) {
    var url = "/api/runs/" + encodeURIComponent(runId) + "/fetch";
    function wait(s) {
      if (s.state === "done") return s;
      if (s.state === "failed") throw new Error(s.message);
      if (progress) progress(s);
      return new Promise(function (res) { setTimeout(res, 1000); }).then(function () { return getJson(url); }).then(wait);
    }
    return fetch(url, { method: "POST", headers: { "X-Constellation-Fetch": "1" }, cache: "no-store" }).then(function (r) {
      if (r.status === 404) return { state: "done" };
      if (!r.ok) return r.text().then(function (t) { throw new Error(t.trim()); });
      return r.json();
    }).then(wait);
  }
  function storeLine(store) {
    if (!store || !store.configured) return null;
    body.setAttribute("data-store-state", store.state);
    if (store.state === "error") {
      return el("div", { id: "store-message", cls: "store-error", role: "alert", text: store.message });
    }
    return el("p", { id: "store-status", cls: "muted", text: store.state === "loading" ? "Reading the runs in " + store.store + "…"
      : "Also listing the runs in " + store.store + " (" + store.runs + " not on this machine" + (store.more ? ", the newest only" : "")
        + "; read " + fmtTime(store.refreshedAt) + ", again every 30 s). Opening one fetches it here." });
  }
  function renderRuns(runs, store) {
    selected = selected.filter(function (id) { return runs.some(function (r) { return r.runId === id; }); });
    var button = el("button", { id: "compare", type: "button", text: "Compare the two selected runs" });
    function update() { button.disabled = selected.length !== 2; }
    button.addEventListener("click", function () {
      var pick = runs.filter(function (r) { return selected.indexOf(r.runId) >= 0; });
      // runs are newest first: the older one is the baseline (a run kept only in the store is fetched first)
      location.hash = "#/compare/" + encodeURIComponent(pick[1].runId) + "/" + encodeURIComponent(pick[0].runId);
    });
    update();
    var rows = runs.map(function (r) {
      var box = el("input", { type: "checkbox", "aria-label": "select " + r.runId });
      box.checked = selected.indexOf(r.runId) >= 0;
      var stored = r.source === "store";
      box.disabled = stored ? r.status === "running" : !r.report;
      box.addEventListener("change", function () {
        if (box.checked) selected.push(r.runId); else selected = selected.filter(function (x) { return x !== r.runId; });
        update();
      });
      var link = stored ? (r.status === "running" ? el("span", { text: r.runId, title: "running on AWS: its report can be fetched when it has ended" })
        : el("a", { href: "#/fetch/" + encodeURIComponent(r.runId), text: r.runId }))
        : el("a", { href: r.report ? "/runs/" + encodeURIComponent(r.runId) + "/" : "#/run/" + encodeURIComponent(r.runId), text: r.runId });
      return el("tr", { "data-run": r.runId, "data-source": r.source || "local" }, [
        el("td", {}, [box]), el("td", { cls: "name" }, [link]), el("td", { text: fmtTime(r.startedAt) }),
        el("td", { text: fmtDuration(r.durationMs) + (r.status === "running" ? " of " + fmtDuration(r.plannedDurationMs) : "") }),
        el("td", {}, [statusBadge(r)]), el("td", { cls: "name", text: (r.regions || []).join(", ") }),
        el("td", { text: String(r.vus == null ? "-" : r.vus) }), el("td", { text: String(r.agents == null ? "-" : r.agents) }),
        el("td", { cls: "requests", text: String(r.requests == null ? "-" : r.requests) }),
        el("td", { cls: "p95", text: fmtMs(r.p95) }), el("td", { cls: "source", text: stored ? "store" : "local" })]);
    });
    var head = el("tr", {}, ["", "Run", "Started", "Duration", "Result", "Regions", "VUs", "Agents", "Requests", "p95 ms", "Kept"]
      .map(function (h, i) { return el("th", { cls: i === 1 || i === 5 ? "name" : "", text: h }); }));
    view.textContent = "";
    view.appendChild(el("section", { id: "runs" }, [
      el("h2", { text: "Runs (" + runs.length + ")" }), storeLine(store),
      el("div", { cls: "toolbar" }, [button, el("span", { cls: "muted", text: "Newest first. A running run opens its live view; a finished one its report." })]),
      runs.length ? el("table", {}, [el("thead", {}, [head]), el("tbody", {}, rows)])
        : el("p", { cls: "muted", text: "No runs yet: run mvn constellation:run, it appears here as it starts." })]));
    body.setAttribute("data-runs", String(runs.length));
  }

  /* ---------- live view ---------- */
  function chart(id, title, series, x, yFmt, height) {
    var holder = document.getElementById(id);
    if (!holder) return;
    var key = series.map(function (s) { return s.label; }).join("|");
    var columns = [x].concat(series.map(function (s) { return s.values; }));
    var existing = charts[id];
    if (existing && existing.key === key && existing.el === holder) {
      existing.u.setData(columns);
      return;
    }
    if (existing) existing.u.destroy();
    holder.textContent = "";
    var u = new uPlot({
      title: title, width: Math.max(320, Math.floor(holder.clientWidth || 600)), height: height || 240,
      series: [{}].concat(series.map(function (s, i) {
        return { label: s.label, stroke: s.color || color(i), width: s.width || 1.5, spanGaps: false, points: { show: false },
          value: function (u, v) { return yFmt(v); } };
      })),
      legend: { live: true },
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"); },
      scales: { x: { time: true } },
      axes: [{}, { values: function (u, vals) { return vals.map(yFmt); }, size: 70 }]
    }, columns, holder);
    charts[id] = { u: u, key: key, el: holder };
    body.setAttribute("data-charts-rendered", String(Object.keys(charts).length));
  }
  function card(k, v, id) {
    return el("div", { cls: "card" }, [el("div", { cls: "k", text: k }), el("div", { cls: "v", id: id || null, text: v })]);
  }
  function statsRow(name, s, extra) {
    var l = s.latencyMs || {};
    return el("tr", {}, [el("td", { cls: "name", text: name })].concat(extra || []).concat([
      String(s.requests), String(s.failures), fmtPct(s.errorRate), fmtNum(s.rps), fmtMs(l.p50), fmtMs(l.p90), fmtMs(l.p95),
      fmtMs(l.p99), fmtMs(l.max)].map(function (t) { return el("td", { text: t }); })));
  }
  function statsHead(first, extra) {
    return el("tr", {}, [el("th", { cls: "name", text: first })].concat((extra || []).concat(["Requests", "Failures", "Error %",
      "req/s", "p50 ms", "p90 ms", "p95 ms", "p99 ms", "max ms"]).map(function (h) { return el("th", { text: h }); })));
  }
  function showLive(runId) {
    var my = generation;
    document.getElementById("title").textContent = "run " + runId;
    body.setAttribute("data-view", "live");
    body.setAttribute("data-live-polls", "0");
    view.textContent = "";
    var layout = {
      progress: el("div", { cls: "progress" }, [el("div", { style: "width:0%" })]),
      cards: el("div", { cls: "cards" }),
      notice: el("p", { cls: "muted", id: "live-notice", text: "Waiting for the first interval records…" }),
      charts: el("div", { id: "live-charts" }),
      regions: el("table", { id: "live-regions" }),
      requests: el("table", { id: "live-requests-table" })
    };
    view.appendChild(el("section", { id: "live" }, [el("h2", { text: "Live" }), layout.progress, layout.notice, layout.cards]));
    view.appendChild(el("section", { id: "timeline" }, [el("h2", { text: "Over time" }),
      el("p", { cls: "muted", text: "One point per second; each point's percentiles come from that second's merged histograms. "
        + "Figures so far come from the records merged so far." }), layout.charts]));
    view.appendChild(el("section", { id: "regions" }, [el("h2", { text: "Regions" }), layout.regions]));
    view.appendChild(el("section", { id: "requests" }, [el("h2", { text: "Requests by name" }), layout.requests]));
    var regionKey = null;
    function poll() {
      getJson("/api/runs/" + encodeURIComponent(runId) + "/live").then(function (d) {
        if (my !== generation) return;
        render(d);
        if (d.final) {
          // the run has ended and its report is written: the live view becomes the report
          layout.notice.textContent = "The run has ended; opening its report…";
          timer = setTimeout(function () { if (my === generation) location.replace("/runs/" + encodeURIComponent(runId) + "/"); }, 1500);
        } else {
          timer = setTimeout(poll, 1000);
        }
      }).catch(function (e) {
        if (my !== generation) return;
        if (e.status === 404) {
          layout.notice.textContent = "There is no run " + runId + " in this runs directory.";
          return;
        }
        recordError(String(e));
        timer = setTimeout(poll, 2000);
      });
    }
    function render(d) {
      var s = d.summary, t = s.totals, c = d.charts, lat = t.latencyMs;
      var regions = Object.keys(s.regions);
      var vus = 0, agents = 0, reporting = 0;
      regions.forEach(function (r) { vus += s.regions[r].vus; agents += s.regions[r].agents; reporting += d.agentsReporting[r] || 0; });
      setFacts([["Status", d.status], ["Elapsed", fmtDuration(d.elapsedMs) + " of " + fmtDuration(d.plannedDurationMs)],
        ["Regions", String(regions.length) + " (" + regions.join(", ") + ")"], ["VUs", String(vus)],
        ["Agents", reporting + " reporting of " + agents], ["Target", s.target || "-"]]);
      var pct = d.plannedDurationMs > 0 ? Math.min(100, 100 * d.elapsedMs / d.plannedDurationMs) : 0;
      layout.progress.firstChild.style.width = pct.toFixed(1) + "%";
      if (!d.final) {
        layout.notice.textContent = t.requests > 0 ? "Updating every second from the interval records as they arrive."
          : "Waiting for the first interval records…";
      }
      layout.cards.textContent = "";
      [card("Requests", String(t.requests), "live-requests"), card("Failures", t.failures + " (" + fmtPct(t.errorRate) + ")"),
        card("Throughput", fmtNum(t.rps) + " req/s"), card("p50", fmtMsUnit(lat.p50)), card("p95", fmtMsUnit(lat.p95), "live-p95"),
        card("p99", fmtMsUnit(lat.p99)), card("Max", fmtMsUnit(lat.max))].forEach(function (x) { layout.cards.appendChild(x); });
      var key = c.regions.map(function (r) { return r.name; }).join("|");
      if (key !== regionKey) {
        regionKey = key;
        Object.keys(charts).forEach(function (k) { charts[k].u.destroy(); });
        charts = {};
        layout.charts.textContent = "";
        layout.charts.appendChild(el("div", { cls: "grid2" }, [el("div", { id: "chart-rps", cls: "chart" }),
          el("div", { id: "chart-errors", cls: "chart" })]));
        layout.charts.appendChild(el("div", { id: "chart-p95", cls: "chart" }));
        layout.charts.appendChild(el("div", { cls: "grid2" }, c.regions.map(function (r, i) {
          return el("div", { id: "chart-region-" + i, cls: "chart" });
        })));
      }
      if (c.x.length > 0) {
        function all(values) { return { label: "all regions", values: values, color: "#111827", width: 2 }; }
        chart("chart-rps", "Requests per second", [all(c.total.rps)].concat(c.regions.map(function (r, i) {
          return { label: r.name, values: r.rps, color: color(i) }; })), c.x, function (v) { return v == null ? "-" : fmtNum(v) + "/s"; });
        chart("chart-errors", "Failed requests per second", [all(c.total.err)].concat(c.regions.map(function (r, i) {
          return { label: r.name, values: r.err, color: color(i) }; })), c.x, function (v) { return v == null ? "-" : fmtNum(v) + "/s"; });
        chart("chart-p95", "p95 latency by region", [all(c.total.p95)].concat(c.regions.map(function (r, i) {
          return { label: r.name, values: r.p95, color: color(i) }; })), c.x, fmtMsUnit);
        c.regions.forEach(function (r, i) {
          chart("chart-region-" + i, r.name + ": latency p50 / p95 / p99", [
            { label: "p50", values: r.p50, color: "#16a34a" }, { label: "p95", values: r.p95, color: "#d97706" },
            { label: "p99", values: r.p99, color: "#dc2626" }], c.x, fmtMsUnit, 200);
        });
      }
      layout.regions.textContent = "";
      layout.regions.appendChild(el("thead", {}, [statsHead("Region", ["Agents", "VUs"])]));
      layout.regions.appendChild(el("tbody", {}, regions.map(function (r) {
        var x = s.regions[r];
        return statsRow(r, x, [el("td", { text: (d.agentsReporting[r] || 0) + " of " + x.agents }), el("td", { text: String(x.vus) })]);
      })));
      layout.requests.textContent = "";
      layout.requests.appendChild(el("thead", {}, [statsHead("Request")]));
      layout.requests.appendChild(el("tbody", {}, Object.keys(s.requests).map(function (n) { return statsRow(n, s.requests[n]); })));
      body.setAttribute("data-live-requests", String(t.requests));
      body.setAttribute("data-live-status", d.status);
      body.setAttribute("data-live-final", String(!!d.final));
      body.setAttribute("data-live-polls", String(Number(body.getAttribute("data-live-polls")) + 1));
    }
    poll();
  }

  /* ---------- compare ---------- */
  function showCompare(baseline, current) {
    var my = generation;
    document.getElementById("title").textContent = "compare " + baseline + " → " + current;
    body.setAttribute("data-view", "compare");
    setFacts([["Baseline", baseline], ["Current", current]]);
    view.textContent = "";
    var wait = el("p", { cls: "muted", id: "compare-wait", text: "" });
    view.appendChild(wait);
    function progress(s) { if (my === generation) wait.textContent = s.message || "fetching…"; }
    Promise.all([ensureLocal(baseline, progress), ensureLocal(current, progress)]).then(function () {
      if (my !== generation) return null;
      return getJson("/api/compare?baseline=" + encodeURIComponent(baseline) + "&current=" + encodeURIComponent(current));
    }).then(function (d) {
      if (!d) return;
      wait.remove();
      if (my !== generation) return;
      function row(name, x) {
        var worseP95 = x.p95DeltaMs > 0, worseRps = x.rpsDelta < 0;
        return el("tr", { "data-name": name }, [el("td", { cls: "name", text: name }), el("td", { text: x.status }),
          el("td", { text: fmtMs(x.baselineP95) }), el("td", { text: fmtMs(x.p95) }),
          el("td", { cls: x.status === "both" ? (worseP95 ? "worse" : "better") : "muted", text: x.status === "both" ? signed(x.p95DeltaMs, " ms") + pctSuffix(x.p95DeltaPct) : x.status }),
          el("td", { text: fmtNum(x.baselineRps) }), el("td", { text: fmtNum(x.rps) }),
          el("td", { cls: x.status === "both" ? (worseRps ? "worse" : "better") : "muted", text: x.status === "both" ? signed(x.rpsDelta, "") + pctSuffix(x.rpsDeltaPct) : x.status })]);
      }
      var head = el("tr", {}, ["Request", "In", "baseline p95 ms", "p95 ms", "Δ p95", "baseline req/s", "req/s", "Δ req/s"]
        .map(function (h, i) { return el("th", { cls: i === 0 ? "name" : "", text: h }); }));
      var rows = [row("(all requests)", d.totals)].concat(d.requests.map(function (x) { return row(x.name, x); }));
      view.appendChild(el("section", { id: "compare" }, [
        el("h2", {}, ["Run ", el("a", { href: "/runs/" + encodeURIComponent(d.current) + "/", text: d.current }), " compared with ",
          el("a", { href: "/runs/" + encodeURIComponent(d.baseline) + "/", text: d.baseline })]),
        el("p", { cls: "muted", text: "Per request name, from each run's summary.json (percentiles of merged histograms). "
          + "\"new\": only in the current run, \"gone\": only in the baseline." }),
        el("table", {}, [el("thead", {}, [head]), el("tbody", {}, rows)])]));
      body.setAttribute("data-compare-rows", String(d.requests.length));
    }).catch(function (e) { if (my === generation) { recordError(String(e)); view.appendChild(el("p", { cls: "muted", text: String(e) })); } });
  }

  /* ---------- a run kept only in the results store ---------- */
  function showFetch(runId) {
    var my = generation;
    document.getElementById("title").textContent = "run " + runId;
    body.setAttribute("data-view", "fetch");
    body.setAttribute("data-fetch-state", "fetching");
    setFacts([["Run", runId]]);
    view.textContent = "";
    var line = el("p", { id: "fetch-status", cls: "muted", text: "Fetching " + runId + " from the results store…" });
    view.appendChild(line);
    ensureLocal(runId, function (s) { if (my === generation) line.textContent = s.message || line.textContent; }).then(function () {
      if (my !== generation) return;
      body.setAttribute("data-fetch-state", "done");
      location.replace("/runs/" + encodeURIComponent(runId) + "/");
    }).catch(function (e) {
      if (my !== generation) return;
      body.setAttribute("data-fetch-state", "failed");
      view.textContent = "";
      view.appendChild(el("div", { id: "fetch-error", cls: "store-error", role: "alert", text: e.message || String(e) }));
    });
  }

  function route() {
    stop();
    var h = location.hash.replace(/^#\/?/, "");
    var parts = h.split("/").map(decodeURIComponent);
    if (parts[0] === "run" && parts[1]) showLive(parts[1]);
    else if (parts[0] === "compare" && parts[1] && parts[2]) showCompare(parts[1], parts[2]);
    else if (parts[0] === "fetch" && parts[1]) showFetch(parts[1]);
    else showRuns();
  }
  window.addEventListener("hashchange", route);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) {
      var c = charts[k];
      c.u.setSize({ width: Math.max(320, Math.floor(c.el.clientWidth || 600)), height: c.u.height });
    });
  });
  route();
})();
