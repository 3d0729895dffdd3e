/* Counter reception (gh-6 item 3): keyboard shortcuts, focus, owner fields. No inline script (CSP).
 *   Alt+N / Alt+P  next / previous section of the reception page
 *   Ctrl+Enter     receive the dossier (the button marked data-rc-submit)
 * The page works without this file: every button is a plain submit button.
 */
(function () {
  "use strict";

  function focusable(root) {
    return root.querySelector(
      "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), a[href], summary"
    );
  }

  function sections() {
    return Array.prototype.filter.call(document.querySelectorAll("[data-rc-section]"), function (s) {
      return !s.hidden;
    });
  }

  function moveSection(step) {
    var all = sections();
    if (!all.length) return false;
    var index = -1;
    all.forEach(function (s, i) {
      if (s.contains(document.activeElement)) index = i;
    });
    var next = index < 0 ? (step > 0 ? 0 : all.length - 1) : (index + step + all.length) % all.length;
    var target = focusable(all[next]);
    if (!target) return false;
    target.focus();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey && !event.ctrlKey && !event.metaKey && (event.code === "KeyN" || event.code === "KeyP")) {
      if (moveSection(event.code === "KeyN" ? 1 : -1)) event.preventDefault();
      return;
    }
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      var submit = document.querySelector("[data-rc-submit]");
      if (submit) {
        event.preventDefault();
        submit.click();
      }
    }
  });

  function ownerToggle() {
    var box = document.getElementById("id_on_behalf");
    var owner = document.getElementById("rc-owner");
    if (!box || !owner) return;
    var sync = function () {
      owner.hidden = !box.checked;
    };
    box.addEventListener("change", sync);
    sync();
  }

  function initialFocus() {
    var errors = document.getElementById("rc-errors");
    if (errors) {
      errors.focus();
      return;
    }
    var form = document.getElementById("rc-form");
    var id = form && form.getAttribute("data-focus");
    var target = (id && document.getElementById(id)) || document.querySelector("[data-autofocus]");
    if (target) target.focus();
  }

  // A second Ctrl+Enter or click while the first post is on its way sends nothing more
  // (the server's idempotency key covers the rest). Mẫu 02 opens in a new tab: not locked.
  function submitOnce() {
    var form = document.getElementById("rc-form");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sent")) {
        event.preventDefault();
        return;
      }
      if (event.submitter && event.submitter.getAttribute("formtarget") === "_blank") return;
      form.setAttribute("data-sent", "1");
    });
    window.addEventListener("pageshow", function () {
      form.removeAttribute("data-sent");
    });
  }

  function ready() {
    ownerToggle();
    submitOnce();
    initialFocus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
