// A filter form (class "filters") applies as soon as a choice (a list or a tick box) changes; typed fields (a
// reference, a date) apply with the form's button or Enter. The button stays for pages without scripts.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("form.filters[method=get]"), function (form) {
    form.addEventListener("change", function (event) {
      var field = event.target;
      if (field.tagName !== "SELECT" && !(field.tagName === "INPUT" && field.type === "checkbox")) { return; }
      // Empty choices stay out of the address, so it shows only the filters in use.
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name && field.tagName === "SELECT" && !field.value) { field.disabled = true; }
      });
      form.submit();
    });
  });
}());
