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

    // Reports get increasing ids: a higher newest id than seen before means a new report, whatever the order.
    function newest() {
      var list = box.querySelector(".field-list");
      return list ? parseInt(list.getAttribute("data-newest"), 10) || 0 : 0;
    }
    var seen = newest();

    function refresh() {
      // The position goes in a header, never in the address: addresses end up in logs.
      var headers = { "Accept": "text/html" };
      if (position) { headers["X-Position"] = position.lat + "," + position.lon; }
      fetch(url, { credentials: "same-origin", headers: headers })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null) { return; }
          box.innerHTML = html;
          if (newest() > seen && news) { news.textContent = news.getAttribute("data-text"); }
          seen = Math.max(seen, newest());
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
