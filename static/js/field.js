// Field mode: sort by the officer's position and fetch the list again every few seconds, so new reports
// appear without a reload. The server renders the list; this only swaps it in.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("field-list");
    if (!box) { return; }
    var status = document.getElementById("position-status");
    var news = document.getElementById("new-reports");
    var url = box.getAttribute("data-url");
    var every = parseInt(box.getAttribute("data-refresh"), 10) * 1000 || 10000;
    var position = null;

    function ids() {
      var list = box.querySelector(".field-list");
      return list ? (list.getAttribute("data-ids") || "").split(",").filter(Boolean) : [];
    }

    function refresh() {
      var known = ids();
      var query = position ? "?lat=" + position.lat + "&lon=" + position.lon : "";
      fetch(url + query, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null) { return; }
          box.innerHTML = html;
          var added = ids().filter(function (id) { return known.indexOf(id) === -1; });
          if (added.length && known.length && news) { news.textContent = news.getAttribute("data-text"); }
        })
        .catch(function () { /* bad signal: try again next round */ });
    }

    if ("geolocation" in navigator) {
      navigator.geolocation.watchPosition(function (pos) {
        var first = position === null;
        position = { lat: pos.coords.latitude.toFixed(6), lon: pos.coords.longitude.toFixed(6) };
        if (status) { status.textContent = status.getAttribute("data-text-found"); }
        if (first) { refresh(); }
      }, function () {
        if (status) { status.textContent = status.getAttribute("data-text-denied"); }
      }, { enableHighAccuracy: true, maximumAge: 30000, timeout: 20000 });
    }
    window.setInterval(refresh, every);
  });
}());
