// Phone follow page: poll the ticket's JSON every 15 s and update the fields in place.
// If the server is unreachable the last values stay and a notice says it is retrying.
(function () {
  "use strict";
  var PERIOD = 15000;
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-follow]");
    if (!root) { return; }
    var url = root.getAttribute("data-follow");
    var offline = root.querySelector("[data-field=offline]");
    function update(data) {
      ["message", "service", "status_label", "ahead", "wait_minutes"].forEach(function (name) {
        var el = root.querySelector("[data-field=" + name + "]");
        if (el && data[name] !== undefined && el.textContent !== String(data[name])) {
          el.textContent = String(data[name]);
        }
      });
    }
    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) { update(data); if (offline) { offline.hidden = true; } })
        .catch(function () { if (offline) { offline.hidden = false; } })
        .finally(function () { window.setTimeout(poll, PERIOD); });
    }
    window.setTimeout(poll, PERIOD);
  });
})();
