// The report form's location: tap or drag on the folium map, "use my location", or search a place.
// Writes the form's hidden lat/lon/location_method/location_precision; the server validates everything.
(function () {
  "use strict";
  var map = null;
  var marker = null;

  function byId(id) { return document.getElementById(id); }

  function announce(key, focus) {
    var status = byId("location-status");
    if (!status) { return; }
    status.textContent = status.getAttribute("data-text-" + key) || "";
    // A choice made below the map (a search result) is confirmed above it: bring the confirmation into view.
    if (focus) { status.focus(); status.scrollIntoView({ block: "center" }); }
  }

  // Tiles that do not load leave a blank grey box: say so, and offer search and "use my location" instead.
  function watchTiles() {
    var loaded = false;
    map.eachLayer(function (layer) {
      if (!(layer instanceof L.TileLayer)) { return; }
      layer.on("tileload", function () {
        loaded = true;
        byId("map_shown").value = "1";
        byId("map-unavailable").hidden = true;
        byId("map-wrap").hidden = false;
      });
      layer.on("tileerror", function () {
        if (loaded) { return; }
        byId("map-unavailable").hidden = false;
        byId("map-wrap").hidden = true;
      });
    });
  }

  function placeMarker(lat, lng) {
    if (!map) { return; }
    if (!marker) {
      marker = L.marker([lat, lng], { draggable: true, autoPan: true, title: "" }).addTo(map);
      marker.on("dragend", function () {
        var p = marker.getLatLng();
        setPoint(p.lat, p.lng, "map", "exact");
      });
    } else {
      marker.setLatLng([lat, lng]);
    }
  }

  // `say`: which confirmation to announce (default: the method); `focus`: move focus to it.
  function setPoint(lat, lng, method, precision, say, focus) {
    byId("lat").value = lat.toFixed(6);
    byId("lon").value = lng.toFixed(6);
    byId("location_method").value = method;
    byId("location_precision").value = precision || "exact";
    placeMarker(lat, lng);
    announce(say || method, focus);
  }

  document.addEventListener("meldpunt:map-ready", function (event) {
    map = event.detail.map;
    if (byId("map-unavailable") && byId("map-wrap")) { watchTiles(); }
    var lat = parseFloat(byId("lat").value);
    var lng = parseFloat(byId("lon").value);
    if (!isNaN(lat) && !isNaN(lng)) { placeMarker(lat, lng); }
  });

  document.addEventListener("meldpunt:pick", function (event) {
    setPoint(event.detail.latlng.lat, event.detail.latlng.lng, "map", "exact");
  });

  document.addEventListener("DOMContentLoaded", function () {
    var locate = byId("use-my-location");
    if (locate && "geolocation" in navigator) {
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          setPoint(pos.coords.latitude, pos.coords.longitude, "gps", "exact");
          if (map) { map.setView([pos.coords.latitude, pos.coords.longitude], 17); }
        }, function () {
          announce("denied");
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    } else if (locate) {
      locate.hidden = true;
    }

    var centre = byId("use-map-centre");
    if (centre) {
      centre.addEventListener("click", function () {
        if (!map) { return; }
        var c = map.getCenter();
        setPoint(c.lat, c.lng, "map", "exact", "centre");
      });
    }

    var form = byId("report-form");
    var query = byId("place_query");
    var searchButton = byId("place-search-button");
    var results = byId("place-results");
    if (!form || !query || !searchButton || !window.fetch) { return; }

    function search(event) {
      event.preventDefault();
      var q = query.value.trim();
      if (q.length < 2) { return; }
      fetch(form.getAttribute("data-search-url") + "?q=" + encodeURIComponent(q), {
        headers: { "Accept": "application/json" }, credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (answer) {
        results.textContent = "";
        if (!answer.ok) {
          var p = document.createElement("p");
          p.className = "error";
          p.textContent = answer.body.error || "";
          results.appendChild(p);
          return;
        }
        var list = document.createElement("ul");
        list.className = "place-list";
        answer.body.forEach(function (place) {
          var li = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.className = "link-button";
          button.textContent = place.label;
          button.addEventListener("click", function () {
            var exact = place.precision === "address";
            setPoint(place.lat, place.lon, "search", exact ? "exact" : "place", "search", true);
            if (map) { map.setView([place.lat, place.lon], exact ? 18 : 15); }
          });
          li.appendChild(button);
          list.appendChild(li);
        });
        if (!answer.body.length) {
          var none = document.createElement("p");
          none.textContent = results.getAttribute("data-text-none") || "";
          results.appendChild(none);
        } else {
          results.appendChild(list);
        }
      });
    }

    searchButton.addEventListener("click", search);
    query.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { search(event); }
    });
  });
}());
