/* Constellation report: draws the charts from the inline JSON data with uPlot. */
(function () {
  "use strict";
  var body = document.body;
  function recordError(text) {
    var box = document.getElementById("js-errors");
    if (box) {
      box.hidden = false;
      box.textContent += text + "\n";
    }
    body.setAttribute("data-js-errors", String(Number(body.getAttribute("data-js-errors") || "0") + 1));
  }
  window.addEventListener("error", function (e) {
    recordError("error: " + (e.message || e.type) + (e.filename ? " at " + e.filename + ":" + e.lineno : ""));
  });
  var originalConsoleError = console.error;
  console.error = function () {
    recordError("console.error: " + Array.prototype.slice.call(arguments).join(" "));
    return originalConsoleError.apply(console, arguments);
  };

  var data = JSON.parse(document.getElementById("report-data").textContent);
  var palette = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d",
    "#ea580c", "#4f46e5", "#0d9488", "#9333ea", "#b45309", "#be123c", "#15803d", "#1d4ed8"];
  var rendered = 0;
  var charts = [];

  function color(i) { return palette[i % palette.length]; }

  function width(el) {
    return Math.max(320, Math.floor(el.clientWidth || 600));
  }

  function fmtMs(v) {
    if (v == null || isNaN(v)) return "-";
    if (v === 0) return "0";
    if (v < 10) return v.toFixed(2) + " ms";
    if (v < 1000) return v.toFixed(1) + " ms";
    return (v / 1000).toFixed(2) + " s";
  }

  function fmtNum(v) {
    if (v == null || isNaN(v)) return "-";
    return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
  }

  function chart(id, title, series, x, yFmt, opts) {
    var el = document.getElementById(id);
    if (!el) return;
    var seriesOpts = [{}];
    var columns = [x];
    series.forEach(function (s, i) {
      seriesOpts.push({
        label: s.label,
        stroke: s.color || color(i),
        width: s.width || 1.5,
        dash: s.dash,
        spanGaps: false,
        points: { show: false },
        value: function (u, v) { return yFmt(v); }
      });
      columns.push(s.values);
    });
    var o = {
      title: title,
      width: width(el),
      height: (opts && opts.height) || 260,
      series: seriesOpts,
      legend: { live: true },
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"); },
      cursor: { drag: { x: true, y: false } },
      scales: (opts && opts.scales) || { x: { time: true } },
      axes: (opts && opts.axes) || [{}, { values: function (u, vals) { return vals.map(yFmt); }, size: 70 }]
    };
    var u = new uPlot(o, columns, el);
    charts.push({ u: u, el: el });
    rendered++;
  }

  function fmtRate(v) { return v == null ? "-" : fmtNum(v) + "/s"; }

  var x = data.x;
  var regions = data.regions;

  if (x.length > 0) {
    chart("chart-rps", "Requests per second", [{ label: "all regions", values: data.total.rps, color: "#111827", width: 2 }]
      .concat(regions.map(function (r, i) { return { label: r.name, values: r.rps, color: color(i) }; })), x, fmtRate);
    chart("chart-errors", "Failed requests per second", [{ label: "all regions", values: data.total.err, color: "#111827", width: 2 }]
      .concat(regions.map(function (r, i) { return { label: r.name, values: r.err, color: color(i) }; })), x, fmtRate);
    chart("chart-p95", "p95 latency by region", [{ label: "all regions", values: data.total.p95, color: "#111827", width: 2 }]
      .concat(regions.map(function (r, i) { return { label: r.name, values: r.p95, color: color(i) }; })), x, fmtMs);
    regions.forEach(function (r, i) {
      chart("chart-region-" + i, r.name + ": latency p50 / p95 / p99", [
        { label: "p50", values: r.p50, color: "#16a34a" },
        { label: "p95", values: r.p95, color: "#d97706" },
        { label: "p99", values: r.p99, color: "#dc2626" }], x, fmtMs, { height: 220 });
    });
  }

  if (data.spectrum.length > 0) {
    var sx = data.spectrumX;
    var top = Math.max(1, Math.ceil(sx[sx.length - 1] || 0));
    function pctLabel(v) {
      var p = 100 * (1 - Math.pow(10, -v));
      return (v === 0 ? "0" : p.toFixed(Math.max(0, Math.round(v) - 2))) + "%";
    }
    chart("chart-spectrum", "Latency by percentile (merged histograms)",
      data.spectrum.map(function (s, i) { return { label: s.name, values: s.y, color: i === 0 ? "#111827" : color(i - 1), width: i === 0 ? 2 : 1.5 }; }),
      sx, fmtMs, {
        height: 320,
        scales: { x: { time: false, range: [0, top] } },
        axes: [
          { splits: function () { var out = []; for (var k = 0; k <= top; k++) out.push(k); return out; },
            values: function (u, vals) { return vals.map(pctLabel); } },
          { values: function (u, vals) { return vals.map(fmtMs); }, size: 70 }]
      });
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.u.setSize({ width: width(c.el), height: c.u.height }); });
  });
  body.setAttribute("data-charts-rendered", String(rendered));
})();
