// "Use my location" on the staff intake and schouw forms: fills the coordinates from the phone's position. Without it (no
// JavaScript, refused or unavailable) the place search and the coordinate fields do the same job.
(function () {
  "use strict";
  var button = document.getElementById("use-my-location");
  if (!button || !navigator.geolocation) return;
  var status = document.getElementById("location-status");
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(
      function (position) {
        document.getElementById("lat").value = position.coords.latitude.toFixed(6);
        document.getElementById("lon").value = position.coords.longitude.toFixed(6);
        status.textContent = "";
      },
      function () {
        status.textContent = button.getAttribute("data-text-failed");
      },
      { enableHighAccuracy: true, timeout: 15000 }
    );
  });
})();
