/* Long text answers: the limit and a live counter under the field.

   Progressive: without the script the field carries `maxlength` (the browser enforces
   the limit) and the hint states it. With the script the attribute is taken off, so that
   a pasted text is never cut silently: the counter counts, and past the limit it turns
   into an error (aria-invalid on the field) until the text is shortened. The answer stays
   in the field, and survey-answer.js keeps it in this browser's storage while the server
   refuses it. CSP-safe: no inline code; texts come from the page (data-counter-*). */
(function () {
  "use strict";

  var numbers = new Intl.NumberFormat(document.documentElement.lang || "fr");

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) {
      return values[name] === undefined ? match : numbers.format(values[name]);
    });
  }

  function length(text) {
    // Characters as the server counts them (code points), line breaks as one.
    return Array.from(text.replace(/\r\n/g, "\n")).length;
  }

  function attach(counter) {
    var field = document.getElementById(counter.dataset.counterFor);
    if (!field) {
      return;
    }
    var max = parseInt(field.dataset.maxLength, 10);
    field.removeAttribute("maxlength");
    var group = field.closest(".fr-input-group");

    function refresh() {
      var count = length(field.value);
      var over = count > max;
      counter.textContent = over
        ? format(counter.dataset.counterOver, { over: count - max, max: max })
        : format(counter.dataset.counterText, { count: count, max: max });
      counter.classList.toggle("fr-error-text", over);
      counter.classList.toggle("fr-hint-text", !over);
      if (over) {
        field.setAttribute("aria-invalid", "true");
        field.classList.add("fr-input--error");
        if (group) {
          group.classList.add("fr-input-group--error");
        }
        field.dataset.counterInvalid = "true";
      } else if (field.dataset.counterInvalid) {
        // Only what the counter flagged is cleared here; the server's errors go with the
        // next save.
        delete field.dataset.counterInvalid;
        field.removeAttribute("aria-invalid");
        field.classList.remove("fr-input--error");
        if (group) {
          group.classList.remove("fr-input-group--error");
        }
      }
    }

    field.addEventListener("input", refresh);
    refresh();
  }

  function attachAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-counter-for]"), function (counter) {
      if (!counter.dataset.counterReady) {
        counter.dataset.counterReady = "true";
        attach(counter);
      }
    });
  }

  attachAll(document);
  // Entries added by survey-answer.js come from a <template>: attach their counters too.
  new MutationObserver(function () {
    attachAll(document);
  }).observe(document.body, { childList: true, subtree: true });
})();
