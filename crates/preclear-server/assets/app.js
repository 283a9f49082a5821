// preclear: small enhancements only; every page works without this script.
(function () {
  "use strict";
  // HS-code suggestions: fill the shared datalist from the nomenclature as the user types.
  var list = document.getElementById("hs-suggestions");
  var timer = null;
  function suggest(input) {
    var q = input.value.trim();
    if (!list || q.length < 2) return;
    fetch("/hs.json?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (hits) {
        list.textContent = "";
        hits.forEach(function (hit) {
          var option = document.createElement("option");
          option.value = hit.code;
          option.label = hit.code + " " + hit.description.slice(0, 90);
          list.appendChild(option);
        });
      })
      .catch(function () {});
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("data-hs-lookup")) return;
    clearTimeout(timer);
    timer = setTimeout(function () { suggest(input); }, 200);
  });
  // Confirm before destructive forms (revoking a key).
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
  // A print button on the report.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // Move focus to the error summary so keyboard and screen-reader users hear the problems.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
