/*
 * The answer page's merge rule, for the autosave (survey-answer.js).
 *
 * When someone else saved the response in between, this step's answers go onto their
 * version if they left the step as this page found it (the base) or saved exactly what
 * this page sends; otherwise the officer chooses. The rule is written once on the server
 * (may_merge in surveys/services/step_save.py); this is its copy for the browser, and
 * tests/surveys/merge_rule_cases.json pins both to the same cases.
 */
(function () {
  "use strict";

  function isEmpty(value) {
    if (value === null || value === undefined || value === "") {
      return true;
    }
    if (Array.isArray(value)) {
      return value.length === 0;
    }
    return typeof value === "object" && Object.keys(value).length === 0;
  }

  /* JSON with sorted keys in which an empty value reads as null, so that two equal
     answers give the same text. */
  function canonical(value) {
    if (isEmpty(value)) {
      return "null";
    }
    if (Array.isArray(value)) {
      return "[" + value.map(canonical).join(",") + "]";
    }
    if (typeof value === "object") {
      return (
        "{" +
        Object.keys(value)
          .sort()
          .map(function (key) {
            return JSON.stringify(key) + ":" + canonical(value[key]);
          })
          .join(",") +
        "}"
      );
    }
    return JSON.stringify(value);
  }

  function mayMerge(theirs, base, mine) {
    var text = canonical(theirs);
    return text === canonical(base) || text === canonical(mine);
  }

  window.surveyMerge = { isEmpty: isEmpty, canonical: canonical, mayMerge: mayMerge };
})();
