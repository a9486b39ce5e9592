/*
 * Filter forms (form[data-clean-query]) send only the fields in use: empty fields are
 * disabled for the time of the submission, so the address of the results — the one a
 * visitor shares — names only the filters chosen (?department=29, not
 * ?q=&kind=&category=&department=29). A field whose value is its `data-default` (the
 * default sort order…) is left out as well. Without JavaScript the list pages redirect to the
 * same clean address (territories.listing.shareable_query).
 */
(function () {
  "use strict";

  function clean(form) {
    var emptied = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      var skipped = !field.name || field.disabled || field.type === "checkbox" ||
        field.type === "radio" || field.type === "submit" || field.type === "button";
      var isDefault = field.dataset.default !== undefined && field.value === field.dataset.default;
      if (!skipped && (field.value === "" || isDefault)) {
        field.disabled = true;
        emptied.push(field);
      }
    });
    // The entry list is built once the event has run: give the fields back afterwards,
    // and when the page comes back from the browser's cache.
    window.setTimeout(function () {
      emptied.forEach(function (field) {
        field.disabled = false;
      });
    }, 0);
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-clean-query]"), function (form) {
    form.addEventListener("submit", function () {
      clean(form);
    });
  });
})();
