// Progress of background ZIP exports: poll the status URL and reload when done.
(function () {
  "use strict";
  document.querySelectorAll(".export[data-status-url]").forEach(function (box) {
    var progress = box.querySelector("progress");
    var status = box.querySelector(".export-status");
    if (!progress) { return; }
    function poll() {
      fetch(box.dataset.statusUrl, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          progress.max = Math.max(data.total, 1);
          progress.value = data.done;
          if (status) { status.textContent = data.done + " / " + data.total; }
          if (data.status === "done") { window.location.reload(); }
          else if (data.status !== "failed") { window.setTimeout(poll, 1500); }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    poll();
  });
})();
