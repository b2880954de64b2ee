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

  // Import progress: poll the job's status until it is done, then open the batch.
  document.querySelectorAll("[data-job-status]").forEach(function (box) {
    var url = box.getAttribute("data-job-status");
    var bar = box.querySelector("[data-job-progress]");
    var label = box.querySelector("[data-job-label]");
    var stage = box.querySelector("[data-job-stage]");
    var error = box.querySelector("[data-job-error]");
    var message = box.querySelector("[data-job-message]");
    var percentText = box.querySelector("[data-job-percent]");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (job) {
          var percent = Math.round((job.progress || 0) * 100);
          bar.value = percent;
          bar.textContent = percent + " %";
          if (percentText) { percentText.textContent = percent + " %"; }
          label.textContent = job.stale ? label.textContent : job.label;
          stage.textContent = job.stage || "";
          if (job.status === "done" && job.next) { window.location.assign(job.next); return; }
          if (job.status === "failed") {
            error.hidden = false;
            message.textContent = job.message;
            return;
          }
          if (!job.stale) { window.setTimeout(poll, 800); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    poll();
  });
})();
