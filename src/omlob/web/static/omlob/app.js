/* Omløb: start the DKFDS components and small progressive enhancements (no inline scripts: CSP). */
(function () {
  "use strict";
  if (window.DKFDS) {
    window.DKFDS.init();
  }
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
    var button = select.form.querySelector("[data-autosubmit-button]");
    if (button) {
      button.classList.add("sr-only");
    }
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
