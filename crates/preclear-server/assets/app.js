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
  // A time zone choice starts at the browser's own UTC offset (the page's default is UTC), unless
  // the page already shows a choice (a refused form keeps what was chosen).
  document.querySelectorAll("select[data-local-offset]").forEach(function (select) {
    if (select.value !== "+00:00") return;
    var minutes = -new Date().getTimezoneOffset();
    var sign = minutes < 0 ? "-" : "+";
    var abs = Math.abs(minutes);
    var text = sign + String(Math.floor(abs / 60)).padStart(2, "0") + ":" + String(abs % 60).padStart(2, "0");
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === text) { select.value = text; break; }
    }
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
