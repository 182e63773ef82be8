// The queue map: folium draws the base map; this fetches every report that matches the queue's filters as GeoJSON
// (not only the page of the list) and clusters them. Beyond a limit the server sends grid cells with a count.
// The list beside the map shows the same reports, so nothing here is needed to work the queue.
(function () {
  "use strict";
  var box = document.getElementById("queue-map");
  if (!box) { return; }
  var status = document.getElementById("queue-map-status");

  function say(name) { status.textContent = name ? (box.getAttribute("data-text-" + name) || "") : ""; }

  // The popup is built from text nodes: nothing the server sends is read as HTML.
  function popup(p) {
    var root = document.createElement("div");
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.reference;
    var title = document.createElement("strong");
    title.appendChild(link);
    root.appendChild(title);
    [p.category, p.age, p.state].forEach(function (text) {
      var line = document.createElement("div");
      line.textContent = text;
      root.appendChild(line);
    });
    var open = document.createElement("a");
    open.href = p.url;
    open.textContent = box.getAttribute("data-text-open");
    root.appendChild(open);
    return root;
  }

  function countIcon(count) {
    var size = count < 10 ? 30 : count < 100 ? 40 : 50;
    return L.divIcon({
      html: "<div><span>" + count + "</span></div>",
      className: "marker-cluster marker-cluster-" + (count < 10 ? "small" : count < 100 ? "medium" : "large"),
      iconSize: L.point(size, size)
    });
  }

  document.addEventListener("meldpunt:map-ready", function (event) {
    var map = event.detail.map;
    say("loading");
    fetch(box.getAttribute("data-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); }
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        var layer;
        if (data.grouped) {
          layer = L.layerGroup(data.features.map(function (f) {
            var c = f.geometry.coordinates;
            return L.marker([c[1], c[0]], { icon: countIcon(f.properties.count), keyboard: false })
              .bindTooltip(f.properties.count + " " + box.getAttribute("data-label-reports"));
          }));
          say("grouped");
        } else {
          layer = L.markerClusterGroup();
          data.features.forEach(function (f) {
            var c = f.geometry.coordinates;
            var marker = L.circleMarker([c[1], c[0]], { radius: 8, color: "#1f4e79", weight: 2, fillOpacity: 0.7 });
            marker.bindPopup(popup(f.properties));
            marker.feature = f;
            layer.addLayer(marker);
          });
          say(null);
        }
        layer.addTo(map);
        box.setAttribute("data-count", String(data.features.length));
        if (data.features.length) {
          var bounds = L.latLngBounds(data.features.map(function (f) {
            return [f.geometry.coordinates[1], f.geometry.coordinates[0]];
          }));
          map.fitBounds(bounds, { maxZoom: 16, padding: [20, 20] });
        }
      })
      .catch(function () { say("failed"); });
  });
}());
