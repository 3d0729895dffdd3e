// Ticket page on the kiosk: "In phiếu" prints (80 mm stylesheet); the page goes back
// to the kiosk's start after a while so the next citizen finds it ready.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var print = document.querySelector("[data-print]");
    if (print) {
      print.addEventListener("click", function () { window.print(); });
    }
    var back = document.querySelector("[data-return-after]");
    if (back) {
      var seconds = parseInt(back.getAttribute("data-return-after"), 10) || 60;
      window.setTimeout(function () { window.location.assign(back.getAttribute("href")); }, seconds * 1000);
    }
  });
})();
