// Marks the page as scripted, so map-only controls show and no-script fallbacks can hide.
document.documentElement.classList.add("js");

// A page that answers a POST (a form with a problem, a refused send) names the address that shows it again from
// the draft kept on the server: put that in the history, so Back and reload do not ask to resend the form.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var url = document.body.getAttribute("data-get-url");
  if (url && window.history.replaceState) { window.history.replaceState(null, "", url); }
});
