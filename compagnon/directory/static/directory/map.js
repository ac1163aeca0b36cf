/* The directory map (no inline script: the Content-Security-Policy forbids it).

   <div id="directory-map" data-url="…GeoJSON…" data-tiles="…{z}/{x}/{y}…" data-attribution="…">
   Tiles come from data-tiles when it is set (else the map shows only the markers: tests and
   machines without internet). Each feature is a place (a commune's centre) with its people; the
   popup lists them as links, built with textContent (names are never read as HTML). */
(function () {
  "use strict";
  function popup(props, moreLabel) {
    var box = document.createElement("div");
    if (props.label) {
      var title = document.createElement("strong");
      title.textContent = props.label;
      box.appendChild(title);
    }
    var list = document.createElement("ul");
    (props.people || []).forEach(function (p) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = p.name;
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(list);
    if (props.more) {
      var more = document.createElement(props.more_url ? "a" : "span");
      if (props.more_url) { more.href = props.more_url; }
      more.textContent = "+" + props.more + " " + moreLabel;
      box.appendChild(more);
    }
    return box;
  }
  function start() {
    var el = document.getElementById("directory-map");
    if (!el || typeof L === "undefined") { return; }
    var map = L.map(el, { scrollWheelZoom: false }).setView([46.6, 2.5], 5);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    fetch(el.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { features: [] }; })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            var n = (feature.properties.people || []).length;
            return L.circleMarker(latlng, { radius: Math.min(8 + 2 * n, 22), color: "#2f6f4f", weight: 2, fillOpacity: 0.6 });
          },
          onEachFeature: function (feature, marker) { marker.bindPopup(popup(feature.properties, el.dataset.more || "")); }
        }).addTo(map);
        if (data.features && data.features.length) {
          map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 12 });
        }
        el.dataset.ready = String((data.features || []).length);
      });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
