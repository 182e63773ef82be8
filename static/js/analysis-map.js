// The analysis map: folium draws the base map; this fetches the grid and heat layers as GeoJSON from the server, so
// the page never carries the reports themselves, and draws the clusters' hulls that come with the page. Every
// figure is also in the tables on the page.
(function () {
  "use strict";
  var box = document.getElementById("analysis-map");
  if (!box) { return; }
  var status = document.getElementById("analysis-map-status");

  function say(name) { if (status) { status.textContent = status.getAttribute("data-text-" + name) || ""; } }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      });
  }

  // Darker for more reports; the legend of counts is in each cell's tooltip and in the tables.
  function shade(count, most) {
    var share = most ? count / most : 0;
    return share > 0.75 ? "#7f0000" : share > 0.5 ? "#b30000" : share > 0.25 ? "#e34a33" : share > 0.1 ? "#fc8d59" : "#fdbb84";
  }

  document.addEventListener("meldpunt:map-ready", function (event) {
    var map = event.detail.map;
    var reports = box.getAttribute("data-label-reports");
    var overlays = {};
    var control = L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    say("loading");
    var loads = [];
    if (box.getAttribute("data-grid-url")) {
      loads.push(getJSON(box.getAttribute("data-grid-url")).then(function (data) {
        var most = data.features.reduce(function (m, f) { return Math.max(m, f.properties.count); }, 0);
        var layer = L.geoJSON(data, {
          style: function (f) {
            return { color: "#444", weight: 1, fillColor: shade(f.properties.count, most), fillOpacity: 0.55 };
          },
          onEachFeature: function (f, l) { l.bindTooltip(f.properties.count + " " + reports); }
        }).addTo(map);
        control.addOverlay(layer, box.getAttribute("data-label-grid"));
        if (data.features.length) { map.fitBounds(layer.getBounds(), { maxZoom: 15 }); }
      }));
    }
    if (box.getAttribute("data-heat-url") && L.heatLayer) {
      loads.push(getJSON(box.getAttribute("data-heat-url")).then(function (points) {
        var most = points.reduce(function (m, p) { return Math.max(m, p[2]); }, 1);
        control.addOverlay(L.heatLayer(points, { radius: 25, blur: 20, max: most }), box.getAttribute("data-label-heat"));
      }));
    }
    // The clusters come with the page (the table lists the same ones): no second clustering on the server.
    var clusterData = document.getElementById("analysis-clusters");
    if (clusterData) {
      var clusters = L.geoJSON(JSON.parse(clusterData.textContent), {
        style: function () { return { color: "#08306b", weight: 3, fillOpacity: 0.1 }; },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.count + " " + reports); }
      }).addTo(map);
      control.addOverlay(clusters, box.getAttribute("data-label-clusters"));
    }
    Promise.all(loads).then(function () { say("done"); }, function () { say("failed"); });
  });
}());
