// The receipt's tracking link: copy it, or share it (Web Share API: a note, a message to oneself). The link and
// the "mail me this link" form work without this.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("keep-link");
    if (!box) { return; }
    var url = box.getAttribute("data-url");
    var status = document.getElementById("keep-link-status");
    function say(key) { status.textContent = status.getAttribute("data-text-" + key) || ""; }

    var copy = document.getElementById("copy-link");
    copy.addEventListener("click", function () {
      if (!navigator.clipboard) { say("failed"); return; }
      navigator.clipboard.writeText(url).then(function () { say("copied"); }, function () { say("failed"); });
    });

    var share = document.getElementById("share-link");
    if (navigator.share) {
      share.hidden = false;
      share.addEventListener("click", function () {
        navigator.share({ title: box.getAttribute("data-title"), url: url }).catch(function () {});
      });
    }
  });
}());
