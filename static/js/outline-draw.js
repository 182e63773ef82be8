// The outline of an event or risk zone, drawn on the map: each tap adds a corner; the outline is written into the
// text field as GeoJSON (the field stays the way to paste or type one without the map). The server checks it.
(function () {
  "use strict";
  var map = null;
  var points = [];
  var shape = null;

  function byId(id) { return document.getElementById(id); }

  function field() { return byId("outline"); }

  function say() {
    var status = byId("outline-status");
    var wrap = byId("outline-map");
    if (status && wrap) { status.textContent = wrap.getAttribute("data-text-points").replace("{n}", points.length); }
  }

  function redraw() {
    if (!map) { return; }
    if (shape) { map.removeLayer(shape); shape = null; }
    if (points.length) { shape = L.polygon(points).addTo(map); }
    say();
  }

  function write() {
    if (points.length < 3) { field().value = ""; return; }
    var ring = points.map(function (p) { return [Number(p[1].toFixed(6)), Number(p[0].toFixed(6))]; });
    ring.push(ring[0]);
    field().value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
  }

  // An outline already in the field (the saved one, or one sent back with a message) is shown on the map.
  function readField() {
    try {
      var geometry = JSON.parse(field().value);
      var ring = geometry.type === "Polygon" ? geometry.coordinates[0]
        : geometry.type === "MultiPolygon" ? geometry.coordinates[0][0] : null;
      if (!ring) { return; }
      points = ring.slice(0, -1).map(function (p) { return [p[1], p[0]]; });
      redraw();
      if (shape) { map.fitBounds(shape.getBounds(), { maxZoom: 17 }); }
    } catch (e) { /* typed coordinates or nothing: the map starts empty */ }
  }

  document.addEventListener("meldpunt:map-ready", function (event) {
    if (!field()) { return; }
    map = event.detail.map;
    readField();
    say();
  });

  document.addEventListener("meldpunt:pick", function (event) {
    if (!field()) { return; }
    points.push([event.detail.latlng.lat, event.detail.latlng.lng]);
    write();
    redraw();
  });

  document.addEventListener("click", function (event) {
    if (event.target.id === "outline-undo") { points.pop(); write(); redraw(); }
    if (event.target.id === "outline-clear") { points = []; write(); redraw(); }
  });
}());
