// The counter rating screen (gh-6 item 9): after "thank you", go back to the officer's
// screen by itself, so the next citizen never sees this page. No inline script (CSP).
(function () {
  "use strict";
  var box = document.querySelector("[data-return-url]");
  if (!box) {
    return;
  }
  var seconds = parseInt(box.getAttribute("data-return-after") || "5", 10);
  window.setTimeout(function () {
    window.location.assign(box.getAttribute("data-return-url"));
  }, Math.max(seconds, 1) * 1000);
})();
