/* Omløb: start the DKFDS components and small progressive enhancements (no inline scripts: CSP). */
(function () {
  "use strict";
  if (window.DKFDS) {
    window.DKFDS.init();
  }
  // A choice made with the mouse submits at once; with the keyboard, arrow keys only browse
  // the options (WCAG 3.2.2 On Input) and the visible button submits.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    var byPointer = false;
    select.addEventListener("pointerdown", function () { byPointer = true; });
    select.addEventListener("keydown", function () { byPointer = false; });
    select.addEventListener("change", function () {
      if (byPointer) {
        select.form.submit();
      }
    });
  });
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (target && navigator.clipboard) {
        navigator.clipboard.writeText(target.textContent.trim());
        button.textContent = button.getAttribute("data-copied") || "OK";
      }
    });
  });
})();
