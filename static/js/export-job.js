/*
 * The page of an export job, with JavaScript: instead of reloading the whole page (what
 * it does without JavaScript, through <noscript><meta http-equiv="refresh">), fetch it
 * again every few seconds and replace only the status region, a polite live region, so
 * that focus stays where it is and screen readers hear what changed. Stops once the file
 * is ready or the job has failed (the region then carries no refresh delay).
 */
(function () {
  "use strict";

  var region = document.getElementById("export-job-status");
  if (!region || !region.dataset.refreshSeconds || !window.fetch) {
    return;
  }
  var delay = parseInt(region.dataset.refreshSeconds, 10) * 1000;

  function refresh() {
    window
      .fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser()
          .parseFromString(html, "text/html")
          .getElementById("export-job-status");
        if (!fresh) {
          return;
        }
        if (fresh.innerHTML !== region.innerHTML) {
          region.innerHTML = fresh.innerHTML;
        }
        region.dataset.refreshSeconds = fresh.dataset.refreshSeconds || "";
        if (region.dataset.refreshSeconds) {
          window.setTimeout(refresh, delay);
        }
      })
      .catch(function () {
        // The server may be restarting: try again, less often.
        window.setTimeout(refresh, delay * 2);
      });
  }

  window.setTimeout(refresh, delay);
})();
