// Indicator forms: the ratio parts and the comparator matter only for some kinds.
(function () {
  function sync(form) {
    var kind = form.querySelector("select[name$='kind']");
    if (!kind) return;
    var ratio = form.querySelector(".ratio-parts");
    var comparator = form.querySelector("select[name$='comparator']");
    if (ratio) ratio.hidden = kind.value !== "ratio";
    if (comparator) comparator.closest(".field").hidden = kind.value === "judgement";
  }
  function syncAll(root) {
    root.querySelectorAll("form.indicator-form").forEach(sync);
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("form.indicator-form select[name$='kind']")) {
      sync(event.target.form);
    }
  });
  document.addEventListener("DOMContentLoaded", function () { syncAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { syncAll(event.target); });
})();
