// Small helps on the report form; the form works without them.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("report-form");
    if (!form) { return; }

    var description = document.getElementById("description");
    var counter = document.getElementById("description-count");
    if (description && counter) {
      var max = parseInt(description.getAttribute("maxlength"), 10);
      // Numbers as the page's language writes them (2.000 in Dutch), in the digits the server uses.
      var number = function (n) {
        return n.toLocaleString(document.documentElement.lang || undefined, { numberingSystem: "latn" });
      };
      var update = function () {
        counter.textContent = number(description.value.length) + " / " + number(max);
      };
      description.addEventListener("input", update);
      update();
    }

    // Date and time only matter when it happened earlier.
    var earlier = document.getElementById("when-earlier");
    var whenInputs = form.querySelectorAll("input[name=when]");
    if (earlier && whenInputs.length) {
      var toggle = function () {
        var checked = form.querySelector("input[name=when]:checked");
        earlier.hidden = !checked || checked.value !== "eerder";
      };
      whenInputs.forEach(function (input) { input.addEventListener("change", toggle); });
      toggle();
    }

    // Weapon, violence or immediate danger: point to 112 at once.
    var dangerNote = document.getElementById("danger-now");
    if (dangerNote) {
      var dangerInputs = form.querySelectorAll("input[name=weapon], input[name=danger]");
      var showDanger = function () {
        dangerNote.hidden = !form.querySelector("input[name=weapon][value=ja]:checked, input[name=danger][value=ja]:checked");
      };
      dangerInputs.forEach(function (input) { input.addEventListener("change", showDanger); });
      showDanger();
    }

    // Refuse an oversized photo before it is sent, so the form never hits the server's hard limit.
    var photo = document.getElementById("photo");
    var warning = document.getElementById("photo-size-warning");
    var maxBytes = parseInt(form.getAttribute("data-max-photo-bytes"), 10);
    if (photo && warning && maxBytes) {
      photo.addEventListener("change", function () {
        var tooBig = photo.files.length && photo.files[0].size > maxBytes;
        warning.hidden = !tooBig;
        if (tooBig) { photo.value = ""; }
      });
    }
  });
}());
