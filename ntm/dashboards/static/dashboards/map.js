/* The map of a unit's communes, drawn with Leaflet from the page's data
   (<script id="map-data" type="application/json">): a point per commune at its
   coordinates, or its outline where a boundary file was uploaded, coloured by the tier it
   holds or by the number of criteria it meets. No tile server: a plain background. */
(function () {
  "use strict";

  var TIER_COLOURS = ["#c5cfd6", "#1e7b45", "#2f73b5", "#d08a1a"];
  var MET_COLOURS = ["#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837"];
  var NO_DATA = "#ffffff";
  // Above this many points, draw on a canvas rather than as SVG elements.
  var CANVAS_FROM = 2000;

  function metBuckets(total) {
    // Upper bounds first: all met, 15+ (the weak-commune line), 10+, 5+, below 5.
    if (total >= 15) {
      return [[total, total], [15, total - 1], [10, 14], [5, 9], [0, 4]];
    }
    var q = Math.max(1, Math.floor(total / 4));
    return [[total, total], [3 * q, total - 1], [2 * q, 3 * q - 1], [q, 2 * q - 1], [0, q - 1]]
      .filter(function (b) { return b[0] <= b[1]; });
  }

  function metColour(met, buckets) {
    if (met === null || met === undefined) { return NO_DATA; }
    for (var i = 0; i < buckets.length; i++) {
      if (met >= buckets[i][0]) { return MET_COLOURS[MET_COLOURS.length - 1 - i]; }
    }
    return MET_COLOURS[0];
  }

  function popup(unit, data) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var name = document.createElement("strong");
    name.textContent = unit.name;
    box.appendChild(name);
    var where = [unit.group, unit.code ? data.texts.code + " " + unit.code : ""].filter(Boolean);
    if (where.length) {
      var place = document.createElement("p");
      place.className = "small muted";
      place.textContent = where.join(" · ");
      box.appendChild(place);
    }
    var met = document.createElement("p");
    met.textContent = data.texts.met + ": " + (unit.met === null ? data.texts.no_data : unit.met + "/" + data.total);
    box.appendChild(met);
    var tier = document.createElement("p");
    tier.textContent = data.texts.tier + ": " + data.tiers[unit.tier];
    box.appendChild(tier);
    var link = document.createElement("a");
    link.href = data.url.replace("/0/", "/" + unit.id + "/") + data.query;
    link.textContent = data.texts.open;
    link.setAttribute("data-testid", "popup-unit-link");
    box.appendChild(link);
    return box;
  }

  function start() {
    var source = document.getElementById("map-data");
    var element = document.getElementById("map");
    if (!source || !element || typeof L === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var units = data.units.map(function (row) {
      return { id: row[0], name: row[1], lat: row[2], lon: row[3], met: row[4], tier: row[5], group: row[6], code: row[7] };
    });
    var map = L.map(element, { preferCanvas: units.length > CANVAS_FROM, zoomSnap: 0.25, minZoom: 4 });
    var buckets = data.total ? metBuckets(data.total) : [];
    var mode = "tier";
    var layers = [];

    function colour(unit) {
      return mode === "tier" ? TIER_COLOURS[unit.tier] : metColour(unit.met, buckets);
    }

    units.forEach(function (unit) {
      var shape = data.shapes[String(unit.id)];
      var layer;
      if (shape) {
        layer = L.geoJSON(shape, {
          style: function () { return { color: "#34434d", weight: 1, fillOpacity: 0.75, fillColor: colour(unit) }; }
        });
      } else {
        layer = L.circleMarker([unit.lat, unit.lon], {
          radius: units.length > CANVAS_FROM ? 3.5 : (element.clientWidth < 600 ? 5 : 7), color: "#34434d", weight: 1, fillOpacity: 0.9, fillColor: colour(unit)
        });
      }
      layer.bindPopup(function () { return popup(unit, data); });
      layer.bindTooltip(unit.name, { direction: "top" });
      layer.unit = unit;
      layers.push(layer);
    });

    function repaint() {
      layers.forEach(function (layer) { layer.setStyle({ fillColor: colour(layer.unit) }); });
      document.getElementById("legend-tier").hidden = mode !== "tier";
      var metLegend = document.getElementById("legend-met");
      if (metLegend) { metLegend.hidden = mode !== "met"; }
    }

    // Legends: swatches take their colours from here, the one source of them.
    document.querySelectorAll("#legend-tier .swatch").forEach(function (swatch, i) {
      swatch.style.background = TIER_COLOURS[i];
    });
    var metLegend = document.getElementById("legend-met");
    if (metLegend && buckets.length) {
      var noData = metLegend.querySelector("li");
      noData.querySelector(".swatch").style.background = NO_DATA;
      buckets.forEach(function (bucket, i) {
        var item = document.createElement("li");
        var swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.background = MET_COLOURS[MET_COLOURS.length - 1 - i];
        item.appendChild(swatch);
        var low = bucket[0], high = bucket[1];
        item.appendChild(document.createTextNode(
          (low === high ? String(low) : low + "–" + high) + "/" + data.total
        ));
        metLegend.insertBefore(item, noData);
      });
    }

    document.querySelectorAll("input[name=colour]").forEach(function (input) {
      input.addEventListener("change", function () {
        if (input.checked) { mode = input.value; repaint(); }
      });
    });

    // The view is set before the layers are added: outlines need it to be drawn.
    var group = L.featureGroup(layers);
    if (layers.length) {
      map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 12 });
    } else {
      map.setView([16.0, 106.0], 5);
    }
    group.addTo(map);
    element.setAttribute("data-ready", "true");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
