// Behaviour shared by every page, kept out of the markup so the Content-Security-Policy
// can refuse inline scripts.
(function () {
  "use strict";
  // <select data-autosubmit> (and inputs): changing the value submits the form, through
  // htmx when the form uses it.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.closest || !field.closest("[data-autosubmit]")) return;
    var form = field.form;
    if (!form) return;
    if (typeof form.requestSubmit === "function") form.requestSubmit();
    else form.submit();
  });
  // <button data-copy="#id">: copy the text of an element (a new token, a set-password link).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    var text = source.value !== undefined ? source.value : source.textContent;
    navigator.clipboard.writeText(text.trim()).then(function () {
      var label = button.textContent;
      button.textContent = button.getAttribute("data-copied") || label;
      setTimeout(function () { button.textContent = label; }, 2000);
    });
  });
})();
