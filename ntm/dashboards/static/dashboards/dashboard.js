/* Dashboard charts, drawn with Chart.js from the data the page carries
   (<script id="dashboard-charts" type="application/json">). Every text comes from the
   server in the page's language; numbers are formatted for the page's locale. */
(function () {
  "use strict";

  var TIER_COLOURS = {
    none: "#c5cfd6",
    standard: "#1e7b45",
    advanced: "#2f73b5",
    model: "#d08a1a"
  };
  var ACCENT = "#1a6b43";
  var NOT_MET = "#b3261e";
  var LINE = "#5b3f9e";

  function locale() {
    var lang = (document.documentElement.lang || "vi").toLowerCase();
    return lang.indexOf("en") === 0 ? "en-GB" : "vi-VN";
  }

  function axisTitle(text) {
    return { display: Boolean(text), text: text || "" };
  }

  function base(extra) {
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      locale: locale(),
      plugins: { legend: { position: "bottom", labels: { boxWidth: 14 } } }
    };
    return Object.assign(options, extra || {});
  }

  function stackedBars(spec) {
    return {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s) {
          return { label: s.label, data: s.data, backgroundColor: TIER_COLOURS[s.key], stack: "tiers" };
        })
      },
      options: base({
        indexAxis: "y",
        scales: {
          x: { stacked: true, beginAtZero: true, title: axisTitle(spec.axis), ticks: { precision: 0 } },
          y: { stacked: true, ticks: { autoSkip: false } }
        }
      })
    };
  }

  function unitBars(spec) {
    return {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: [{
          label: spec.axis,
          data: spec.values,
          backgroundColor: spec.tiers.map(function (t) { return TIER_COLOURS[t]; })
        }]
      },
      options: base({
        indexAxis: "y",
        scales: {
          x: { beginAtZero: true, max: spec.max, title: axisTitle(spec.axis), ticks: { precision: 0 } },
          y: { ticks: { autoSkip: false } }
        },
        plugins: {
          legend: {
            position: "bottom",
            labels: {
              boxWidth: 14,
              generateLabels: function () {
                return Object.keys(spec.tier_labels).map(function (key) {
                  return { text: spec.tier_labels[key], fillStyle: TIER_COLOURS[key], strokeStyle: TIER_COLOURS[key], lineWidth: 0 };
                });
              }
            },
            onClick: function () {}
          },
          tooltip: {
            callbacks: {
              afterLabel: function (item) { return spec.tier_labels[spec.tiers[item.dataIndex]]; }
            }
          }
        }
      })
    };
  }

  function bars(spec) {
    return {
      type: "bar",
      data: { labels: spec.labels, datasets: [{ label: spec.label, data: spec.values, backgroundColor: ACCENT }] },
      options: base({
        plugins: { legend: { display: false } },
        scales: {
          x: { title: axisTitle(spec.x_axis) },
          y: { beginAtZero: true, title: axisTitle(spec.axis), ticks: { precision: 0 } }
        }
      })
    };
  }

  function shareBars(spec) {
    return {
      type: "bar",
      data: { labels: spec.labels, datasets: [{ label: spec.label, data: spec.values, backgroundColor: NOT_MET }] },
      options: base({
        indexAxis: "y",
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (item) { return item.formattedValue + " %"; } } }
        },
        scales: {
          x: { beginAtZero: true, suggestedMax: 10, title: axisTitle(spec.axis) },
          y: { ticks: { autoSkip: false } }
        }
      })
    };
  }

  function trends(spec) {
    var datasets = spec.series.map(function (s) {
      return { type: "bar", label: s.label, data: s.data, backgroundColor: TIER_COLOURS[s.key], stack: "tiers", yAxisID: "y", order: 2 };
    });
    datasets.push({
      type: "line", label: spec.line.label, data: spec.line.data, borderColor: LINE, backgroundColor: LINE,
      yAxisID: "met", spanGaps: true, pointRadius: 4, borderWidth: 2, order: 1
    });
    return {
      type: "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: base({
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, title: axisTitle(spec.axis), ticks: { precision: 0 } },
          met: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: axisTitle(spec.line_axis) }
        }
      })
    };
  }

  // Long category names (criteria, districts) wrap onto lines instead of being cut off.
  function wrap(label, width) {
    if (typeof label !== "string" || label.length <= width) { return label; }
    var lines = [], line = "";
    label.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  function wrapped(spec, canvas) {
    var width = canvas.parentElement.clientWidth < 520 ? 20 : 42;
    return Object.assign({}, spec, { labels: spec.labels.map(function (l) { return wrap(l, width); }) });
  }

  var WRAPPED = { stacked_bars: true, unit_bars: true, share_bars: true };

  var BUILDERS = { stacked_bars: stackedBars, unit_bars: unitBars, bars: bars, share_bars: shareBars, trends: trends };

  function draw() {
    var source = document.getElementById("dashboard-charts");
    if (!source || typeof Chart === "undefined") { return; }
    var charts = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = charts[canvas.dataset.chart];
      if (!spec || !BUILDERS[spec.kind]) { return; }
      new Chart(canvas, BUILDERS[spec.kind](WRAPPED[spec.kind] ? wrapped(spec, canvas) : spec));
      canvas.dataset.drawn = "true";
    });
  }

  // Printing shows the figures as tables: open every "Bảng số liệu".
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.chart-data").forEach(function (d) { d.open = true; });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
