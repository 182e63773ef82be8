// A filter form (class "filters") applies as soon as one of its fields changes; its button stays for pages
// without scripts.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("form.filters[method=get]"), function (form) {
    form.addEventListener("change", function () { form.submit(); });
  });
}());
