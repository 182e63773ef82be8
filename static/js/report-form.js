// Small helps on the report form; the form works without them.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("report-form");
    if (!form) { return; }

    // A language link keeps the report in progress: the form is sent to be kept (as a draft on the server),
    // and the server then follows the link, which shows the same form again, in the other language.
    document.querySelectorAll("a[hreflang]").forEach(function (link) {
      if (link.origin !== window.location.origin) { return; }
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var keep = [["action", "leave"], ["next", link.pathname + link.search]];
        keep.forEach(function (pair) {
          var input = document.createElement("input");
          input.type = "hidden";
          input.name = pair[0];
          input.value = pair[1];
          form.appendChild(input);
        });
        form.submit();
      });
    });

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

    // Worried about the person (verward gedrag): offer the municipality's care contact at once.
    var careContact = document.getElementById("care-contact");
    if (careContact) {
      var showCare = function () {
        careContact.hidden = !form.querySelector("input[name=worried][value=ja]:checked");
      };
      form.querySelectorAll("input[name=worried]").forEach(function (input) { input.addEventListener("change", showCare); });
      showCare();
    }

    // Refuse an oversized photo before it is sent, so the form never hits the server's hard limit.
    var photo = document.getElementById("photo");
    var warning = document.getElementById("photo-size-warning");
    var maxBytes = parseInt(form.getAttribute("data-max-photo-bytes"), 10);
    if (photo && warning && maxBytes) {
      photo.addEventListener("change", function () {
        var tooBig = photo.files.length && photo.files[0].size > maxBytes;
        warning.hidden = !tooBig;
        if (tooBig) {
          photo.value = "";
          var fold = warning.closest("details");  // the photo sits in "Meer vertellen": keep the warning in view
          if (fold) { fold.open = true; }
        }
      });
    }
  });
}());
