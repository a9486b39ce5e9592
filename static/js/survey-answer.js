/*
 * Autosave of the answer page: never lose a word.
 *
 * The form works without this script (every button posts the step and saves it). With
 * it, the step is serialised into the answers JSON with the same rules as
 * surveys/answering/form.py and PATCHed to /api/v1/responses/<id>/ about two seconds after
 * typing stops and whenever a field is left. A status line says what happened:
 *
 *   - saved: "Enregistré à 10 h 32";
 *   - refused values (400): the other answers are saved again without them, and each
 *     refused field shows its error, its text still in place;
 *   - network or server failure: a message, the answers kept on this device
 *     (localStorage), and a new attempt a few seconds later;
 *   - expired session (401/403): the answers kept on this device and a sign-in link that
 *     comes back here, where they are put back in the form and sent;
 *   - someone else saved in between (409): if they did not touch this step, it is saved
 *     onto their version; otherwise the form is posted so that the server shows both
 *     versions side by side and lets the officer choose. The rule is the server's
 *     (survey-merge.js, pinned to surveys/services/step_save.py by shared test cases).
 */
(function () {
  "use strict";

  var form = document.getElementById("survey-form");
  var textsElement = document.getElementById("survey-script-messages");
  var savedElement = document.getElementById("survey-saved-answers");
  if (!form || !textsElement || !savedElement || !window.fetch || !window.surveyMerge) {
    return;
  }
  var isEmpty = window.surveyMerge.isEmpty;
  var canonical = window.surveyMerge.canonical;

  var texts = textsElement.dataset;
  var SAVE_DELAY_MS = 2000;
  var RETRY_FIRST_MS = 3000;
  var RETRY_MAX_MS = 60000;
  var step = form.dataset.step;
  var apiUrl = form.dataset.apiUrl;
  var storageKey = "survey-answer:" + form.dataset.response;
  var versionInput = form.elements._version;
  var baseInput = form.elements._base;
  var statusLine = document.getElementById("save-status");
  var repeatable = !!form.querySelector("[data-entries]");
  // A long step shows one entry per page: the ids of the entries this page shows, which
  // replace theirs in the saved list (mirrors merged_window in surveys/answering/form.py).
  var windowIds = form.dataset.window ? JSON.parse(form.dataset.window) : null;
  var saved = JSON.parse(savedElement.textContent) || {};

  var timer = null;
  var retryTimer = null;
  var retryDelay = RETRY_FIRST_MS;
  var inFlight = null;
  var dirty = false;
  var expired = false;
  var submitting = false;
  var paused = form.hasAttribute("data-conflict");

  /* ---- Serialising the step: mirrors surveys/answering/form.py ---- */

  var INTEGER = /^[+-]?\d+$/;
  var DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
  var FRENCH_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
  var NUMBER_SPACES = /[\s\u00a0\u202f]/g;

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function convertText(type, raw) {
    var text = raw.replace(/\r\n/g, "\n").trim();
    if (!text) {
      return "";
    }
    var compact;
    if (type === "integer" || type === "year") {
      compact = text.replace(NUMBER_SPACES, "");
      return INTEGER.test(compact) ? parseInt(compact, 10) : text;
    }
    if (type === "decimal") {
      compact = text.replace(NUMBER_SPACES, "").replace(/,/g, ".");
      if (DECIMAL.test(compact)) {
        return compact.indexOf(".") !== -1 ? parseFloat(compact) : parseInt(compact, 10);
      }
      return text;
    }
    if (type === "date") {
      var match = FRENCH_DATE.exec(text);
      if (match) {
        var day = parseInt(match[1], 10);
        var month = parseInt(match[2], 10);
        var year = parseInt(match[3], 10);
        var date = new Date(Date.UTC(year, month - 1, day));
        if (
          date.getUTCFullYear() === year &&
          date.getUTCMonth() === month - 1 &&
          date.getUTCDate() === day
        ) {
          return year + "-" + pad(month) + "-" + pad(day);
        }
      }
      return text;
    }
    return text;
  }

  function checkedValues(question) {
    var path = question.dataset.path;
    return Array.prototype.filter
      .call(question.querySelectorAll("input"), function (input) {
        return input.name === path && input.checked && input.value;
      })
      .map(function (input) {
        return input.value;
      });
  }

  function territoryItems(question) {
    var items = [];
    Array.prototype.forEach.call(
      question.querySelectorAll("[data-items] [data-item]"),
      function (item) {
        var reference = item.querySelector("[data-reference]");
        if (reference) {
          if (reference.value.trim()) {
            items.push(reference.value.trim());
          }
          return;
        }
        var name = item.querySelector("[data-other-name]");
        var category = item.querySelector("[data-other-category]");
        if (name && category && (name.value.trim() || category.value.trim())) {
          items.push({ other_name: name.value.trim(), other_category: category.value.trim() });
        }
      }
    );
    // Results of a search made with the form's button, checked but not yet moved.
    Array.prototype.forEach.call(
      question.querySelectorAll("input[data-add-reference]:checked"),
      function (box) {
        if (items.indexOf(box.value) === -1) {
          items.push(box.value);
        }
      }
    );
    return items;
  }

  function readQuestion(question) {
    var type = question.dataset.type;
    if (type === "multiple_choice") {
      return checkedValues(question);
    }
    if (type === "single_choice") {
      return checkedValues(question)[0] || "";
    }
    if (type === "yes_no") {
      var value = checkedValues(question)[0];
      return value === "true" ? true : value === "false" ? false : "";
    }
    if (type === "territory_list") {
      return territoryItems(question);
    }
    if (type === "territory") {
      var items = territoryItems(question);
      return items.length ? items[items.length - 1] : "";
    }
    var field = question.querySelector("[name='" + question.dataset.path + "']");
    return field ? convertText(type, field.value) : "";
  }

  function questionsOf(container) {
    return Array.prototype.filter.call(
      container.querySelectorAll("[data-question]"),
      function (question) {
        // Only the questions of this group, not those of a nested entry.
        return question.closest("[data-entry]") === (container.matches("[data-entry]") ? container : null);
      }
    );
  }

  function readGroup(container) {
    var group = {};
    questionsOf(container).forEach(function (question) {
      var value = readQuestion(question);
      if (!isEmpty(value)) {
        group[question.dataset.code] = value;
      }
    });
    return group;
  }

  function readStep() {
    if (!repeatable) {
      return readGroup(form);
    }
    var shown = readEntries();
    if (!windowIds) {
      return shown;
    }
    var merged = [];
    var placed = false;
    (saved[step] || []).forEach(function (entry) {
      if (windowIds.indexOf(entry._entry) === -1) {
        merged.push(entry);
      } else if (!placed) {
        merged = merged.concat(shown);
        placed = true;
      }
    });
    return placed ? merged : merged.concat(shown);
  }

  function readEntries() {
    return Array.prototype.map.call(form.querySelectorAll("[data-entry]"), function (entry) {
      var result = { _entry: entry.querySelector("[data-entry-id]").value };
      var slug = entry.querySelector("[data-registry-slug]");
      if (slug && slug.value) {
        result._registry_slug = slug.value;
      }
      var group = readGroup(entry);
      Object.keys(group).forEach(function (key) {
        result[key] = group[key];
      });
      return result;
    });
  }

  function withStep(answers, section) {
    var result = {};
    Object.keys(answers || {}).forEach(function (key) {
      result[key] = answers[key];
    });
    result[step] = section;
    return result;
  }

  /* ---- Putting answers back into the form (from this device) ---- */

  function setQuestion(question, value) {
    var type = question.dataset.type;
    var path = question.dataset.path;
    if (type === "multiple_choice" || type === "single_choice" || type === "yes_no") {
      var wanted = (Array.isArray(value) ? value : [value]).map(String);
      Array.prototype.forEach.call(question.querySelectorAll("input"), function (input) {
        if (input.name === path) {
          input.checked = wanted.indexOf(input.value) !== -1;
        }
      });
      return;
    }
    if (type === "territory" || type === "territory_list") {
      // Chosen territories are restored by the page itself when they were saved; only
      // typed texts come back from this device (see restoreGroup).
      return;
    }
    var field = question.querySelector("[name='" + path + "']");
    if (field) {
      field.value = value === undefined || value === null ? "" : String(value);
    }
  }

  function restoreGroup(container, group) {
    questionsOf(container).forEach(function (question) {
      var type = question.dataset.type;
      if (type === "territory" || type === "territory_list") {
        restoreTerritories(question, group[question.dataset.code]);
      } else {
        setQuestion(question, group[question.dataset.code]);
      }
    });
  }

  function restoreTerritories(question, value) {
    var items = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
    if (canonical(items) === canonical(territoryItems(question))) {
      return;
    }
    var names = (readSnapshot() || {}).names || {};
    var list = question.querySelector("[data-items]");
    list.textContent = "";
    var fieldset = question.querySelector(".portal-territories");
    fieldset.dataset.nextIndex = "0";
    items.forEach(function (item) {
      var event = new CustomEvent("survey:restore-item", {
        bubbles: true,
        detail: { item: item, names: names },
      });
      list.dispatchEvent(event);
    });
  }

  function restoreStep(section) {
    if (!repeatable) {
      restoreGroup(form, section || {});
      return true;
    }
    var entries = form.querySelectorAll("[data-entry]");
    var ids = Array.prototype.map.call(entries, function (entry) {
      return entry.querySelector("[data-entry-id]").value;
    });
    var stored = (section || []).map(function (entry) {
      return entry._entry;
    });
    if (windowIds) {
      // One entry per page: its typed answers come back when the list holds it.
      var positions = ids.map(function (id) {
        return stored.indexOf(id);
      });
      if (positions.indexOf(-1) !== -1) {
        return false;
      }
      Array.prototype.forEach.call(entries, function (entry, index) {
        restoreGroup(entry, section[positions[index]]);
      });
      return true;
    }
    // Entries are added and removed by the server: when the lists differ, the page is
    // not the one the answers were typed in, and the texts cannot be put back safely.
    if (canonical(ids) !== canonical(stored)) {
      return false;
    }
    Array.prototype.forEach.call(entries, function (entry, index) {
      restoreGroup(entry, section[index]);
    });
    return true;
  }

  /* ---- This device's copy of unsent answers ---- */

  function territoryNames() {
    var names = {};
    Array.prototype.forEach.call(form.querySelectorAll("[data-item]"), function (item) {
      var reference = item.querySelector("[data-reference]");
      var name = item.querySelector("[data-name]");
      var detail = item.querySelector("[data-detail]");
      if (reference && name) {
        names[reference.value] = { name: name.textContent, detail: detail ? detail.textContent : "" };
      }
    });
    return names;
  }

  function writeSnapshot() {
    try {
      window.localStorage.setItem(
        storageKey,
        JSON.stringify({
          step: step,
          section: readStep(),
          version: parseInt(versionInput.value, 10),
          base: baseInput.value,
          names: territoryNames(),
          at: new Date().toISOString(),
        })
      );
    } catch (error) {
      // Storage full or disabled: the page itself still holds the answers.
    }
  }

  function readSnapshot() {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey) || "null");
    } catch (error) {
      return null;
    }
  }

  function dropSnapshot() {
    try {
      window.localStorage.removeItem(storageKey);
    } catch (error) {
      // Nothing to drop.
    }
  }

  /* ---- Status line and field errors ---- */

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) {
      return values[name] === undefined ? match : values[name];
    });
  }

  function setStatus(kind, message, link) {
    statusLine.hidden = false;
    statusLine.className = "portal-save-status fr-text--sm portal-save-status--" + kind;
    statusLine.textContent = message;
    if (link) {
      statusLine.appendChild(document.createTextNode(" "));
      var anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.text;
      anchor.className = "fr-link";
      if (link.onclick) {
        anchor.addEventListener("click", link.onclick);
      }
      statusLine.appendChild(anchor);
    }
  }

  function clockTime(isoDate) {
    var date = isoDate ? new Date(isoDate) : new Date();
    var parts = {};
    new Intl.DateTimeFormat("fr-FR", {
      hour: "numeric",
      minute: "2-digit",
      hour12: false,
      timeZone: "Europe/Paris",
    })
      .formatToParts(date)
      .forEach(function (part) {
        parts[part.type] = part.value;
      });
    return parseInt(parts.hour, 10) + "\u00a0h\u00a0" + parts.minute;
  }

  function questionAt(path) {
    return form.querySelector("[data-question][data-path='" + path + "']");
  }

  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll("[data-question]"), function (question) {
      var messages = question.querySelector("[data-messages]");
      if (messages) {
        messages.textContent = "";
      }
      var target = question.querySelector("[data-error-target]");
      if (target) {
        target.classList.remove("fr-input-group--error", "fr-fieldset--error");
        var input = target.querySelector(".fr-input--error");
        if (input) {
          input.classList.remove("fr-input--error");
        }
        Array.prototype.forEach.call(target.querySelectorAll("[aria-invalid]"), function (field) {
          field.removeAttribute("aria-invalid");
        });
      }
    });
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.hidden = true;
    }
  }

  function showErrors(errors) {
    var unplaced = [];
    Object.keys(errors).forEach(function (path) {
      var question = questionAt(path);
      if (!question) {
        unplaced = unplaced.concat(errors[path]);
        return;
      }
      var messages = question.querySelector("[data-messages]");
      messages.textContent = "";
      errors[path].concat([texts.notSavedValue]).forEach(function (text) {
        var line = document.createElement("p");
        line.className = "fr-message fr-message--error";
        line.textContent = text;
        messages.appendChild(line);
      });
      var target = question.querySelector("[data-error-target]");
      if (target.classList.contains("fr-input-group")) {
        target.classList.add("fr-input-group--error");
        var input = target.querySelector(".fr-input");
        if (input) {
          input.classList.add("fr-input--error");
          input.setAttribute("aria-invalid", "true");
        }
      } else {
        target.classList.add("fr-fieldset--error");
      }
    });
    return unplaced;
  }

  /* The answers with the refused values put back as last saved (entries by _entry). */
  function withoutRefused(answers, paths) {
    var copy = JSON.parse(JSON.stringify(answers));
    var savedStep = saved[step];
    for (var i = 0; i < paths.length; i++) {
      var parts = paths[i].split(".");
      if (parts[0] !== step || parts.length < 2) {
        return null;
      }
      var group;
      var previous;
      var code;
      if (repeatable) {
        if (parts.length !== 3 || !/^\d+$/.test(parts[1])) {
          return null;
        }
        group = copy[step][parseInt(parts[1], 10)];
        code = parts[2];
        previous = (savedStep || []).filter(function (entry) {
          return group && entry._entry === group._entry;
        })[0];
      } else {
        if (parts.length !== 2) {
          return null;
        }
        group = copy[step];
        code = parts[1];
        previous = savedStep;
      }
      if (!group || code.charAt(0) === "_") {
        return null;
      }
      if (previous && previous[code] !== undefined) {
        group[code] = previous[code];
      } else {
        delete group[code];
      }
    }
    return copy;
  }

  /* ---- Saving ---- */

  function csrfToken() {
    var field = form.elements.csrfmiddlewaretoken;
    return field ? field.value : "";
  }

  function patch(answers, version) {
    return fetch(apiUrl, {
      method: "PATCH",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify({ version: version, answers: answers }),
    });
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  function markChanged() {
    dirty = true;
    if (paused) {
      setStatus("paused", texts.conflictPaused);
      return;
    }
    if (expired) {
      writeSnapshot();
      return;
    }
    setStatus("pending", texts.unsaved);
    schedule(SAVE_DELAY_MS);
  }

  function savedOk(body, answers, section, sentText, refused) {
    saved = answers;
    versionInput.value = body.version;
    baseInput.value = JSON.stringify(isEmpty(section) ? null : section);
    retryDelay = RETRY_FIRST_MS;
    var time = body.saved_at_display || clockTime(body.updated_at);
    if (canonical(readStep()) === sentText && !refused) {
      dirty = false;
      dropSnapshot();
    }
    if (refused) {
      // The refused values are only on this page: keep them on this device until saved.
      writeSnapshot();
      setStatus("invalid", texts.invalid);
      return;
    }
    clearErrors();
    if (dirty) {
      // Typed while this save was under way: not everything on the page is saved yet.
      setStatus("pending", texts.unsaved);
      schedule(SAVE_DELAY_MS);
    } else {
      setStatus("saved", format(texts.saved, { time: time }));
    }
    // The status line now tells the latest save; the page's older line would contradict it.
    var lastSave = document.getElementById("last-save");
    if (lastSave) {
      lastSave.hidden = true;
    }
  }

  function failed() {
    writeSnapshot();
    setStatus("failed", texts.failed);
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(save, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }

  function sessionExpired() {
    expired = true;
    writeSnapshot();
    setStatus("expired", texts.expired, {
      // The login URL ends with "next=<this page>": the step is added to it.
      href: form.dataset.loginUrl + encodeURIComponent("?etape=" + step),
      text: texts.signIn,
      onclick: function () {
        writeSnapshot();
        submitting = true;
      },
    });
  }

  function conflict(current) {
    var theirs = (current.answers || {})[step];
    var mine = readStep();
    if (window.surveyMerge.mayMerge(theirs, JSON.parse(baseInput.value || "null"), mine)) {
      // They changed other steps only, or saved exactly this: their version becomes the
      // one this page knows, and this step goes onto it (unless it is already there).
      saved = current.answers || {};
      versionInput.value = current.version;
      baseInput.value = JSON.stringify((current.answers || {})[step] || null);
      if (canonical(theirs) === canonical(mine)) {
        dirty = false;
        dropSnapshot();
        setStatus("saved", format(texts.saved, { time: current.saved_at_display || clockTime(current.updated_at) }));
        return null;
      }
      return save();
    }
    // Both changed this step: the server shows the two versions and lets the officer
    // choose; the form (still at the old version) carries every typed word there.
    dropSnapshot();
    submitting = true;
    form.requestSubmit(form.querySelector("button[name=_action][value=save]"));
    return null;
  }

  function save() {
    window.clearTimeout(timer);
    window.clearTimeout(retryTimer);
    if (paused || expired || submitting) {
      return Promise.resolve();
    }
    if (inFlight) {
      // One request at a time: the next one starts when this one ends.
      return inFlight.then(function () {
        return dirty ? save() : null;
      });
    }
    var section = readStep();
    var sentText = canonical(section);
    var answers = withStep(saved, section);
    var version = parseInt(versionInput.value, 10);
    setStatus("saving", texts.saving);
    inFlight = send(answers, section, sentText, version).then(
      function () {
        inFlight = null;
      },
      function () {
        inFlight = null;
        failed();
      }
    );
    return inFlight;
  }

  function send(answers, section, sentText, version, refused) {
    return patch(answers, version).then(function (response) {
      if (response.ok) {
        return response.json().then(function (body) {
          savedOk(body, answers, section, sentText, refused);
        });
      }
      if (response.status === 401 || response.status === 403) {
        sessionExpired();
        return null;
      }
      if (response.status === 409) {
        return response.json().then(function (body) {
          if (body.code === "not_editable") {
            writeSnapshot();
            setStatus("failed", body.detail || texts.failed);
            paused = true;
            return null;
          }
          inFlight = null;
          return conflict(body.current || {});
        });
      }
      if (response.status === 400) {
        return response.json().then(function (body) {
          var errors = body.answers && !Array.isArray(body.answers) ? body.answers : null;
          var retry = errors ? withoutRefused(answers, Object.keys(errors)) : null;
          clearErrors();
          var unplaced = errors ? showErrors(errors) : [];
          if (!retry || refused || unplaced.length) {
            writeSnapshot();
            setStatus("invalid", texts.invalid);
            return null;
          }
          return send(retry, retry[step], sentText, version, errors);
        });
      }
      throw new Error("HTTP " + response.status);
    });
  }

  /* ---- Conditional questions and entry titles, live ---- */

  function refreshConditions(container) {
    questionsOf(container).forEach(function (question) {
      var condition = question.dataset.showIf;
      if (!condition) {
        return;
      }
      condition = JSON.parse(condition);
      var controller = questionsOf(container).filter(function (other) {
        return other.dataset.code === condition.question;
      })[0];
      if (controller) {
        question.hidden = condition.in.indexOf(readQuestion(controller)) === -1;
      }
    });
  }

  function refreshTitle(entry) {
    var title = entry.querySelector("[data-entry-title]");
    var source = entry.querySelector("[data-entry-title-source] input");
    if (title && source) {
      var text = source.value.trim();
      title.textContent = title.dataset.itemLabel + (text ? "\u00a0: " + text : "");
    }
  }

  function onChange(event) {
    if (!event.target.name || event.target.name.charAt(0) === "_" ||
        /\._(search|other_name|other_category)$/.test(event.target.name)) {
      return;
    }
    var entry = event.target.closest("[data-entry]");
    refreshConditions(entry || form);
    if (entry) {
      refreshTitle(entry);
    }
    markChanged();
  }

  form.addEventListener("input", onChange);
  form.addEventListener("change", onChange);
  form.addEventListener("survey:changed", function () {
    markChanged();
  });
  // Leaving a field saves at once rather than two seconds later.
  form.addEventListener("focusout", function (event) {
    if (dirty && event.target.name && event.target.name.charAt(0) !== "_") {
      schedule(0);
    }
  });

  form.addEventListener("submit", function (event) {
    if (submitting) {
      return;
    }
    if (expired) {
      event.preventDefault();
      writeSnapshot();
      sessionExpired();
      statusLine.scrollIntoView({ block: "center" });
      return;
    }
    window.clearTimeout(timer);
    if (inFlight) {
      // Wait for the save under way, so that the form posts the version it produced.
      event.preventDefault();
      var submitter = event.submitter;
      inFlight.then(function () {
        if (submitting || expired || paused) {
          return;
        }
        submitting = true;
        form.requestSubmit(submitter);
      });
      return;
    }
    // The post carries everything typed: the copy on this device is no longer needed.
    submitting = true;
    dropSnapshot();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-discard-local]")) {
      dropSnapshot();
      submitting = true;
    }
  });

  // Leaving with unsaved answers: keep them on this device rather than asking.
  window.addEventListener("pagehide", function () {
    if (dirty && !submitting) {
      writeSnapshot();
    }
  });

  /* ---- On load ---- */

  function start() {
    // A summary of errors or of a conflict is what the officer must read first.
    var alert = document.getElementById("conflict") || document.getElementById("error-summary");
    if (alert) {
      alert.focus();
    }
    var snapshot = readSnapshot();
    if (paused) {
      setStatus("paused", texts.conflictPaused);
      return;
    }
    if (snapshot && snapshot.step === step) {
      if (canonical(snapshot.section) !== canonical(readStep())) {
        if (restoreStep(snapshot.section)) {
          versionInput.value = snapshot.version;
          baseInput.value = snapshot.base;
          refreshAll();
          setStatus("restored", texts.restored);
          dirty = true;
          save();
          return;
        }
      } else if (canonical(snapshot.section) === canonical(saved[step])) {
        dropSnapshot();
      } else {
        dirty = true;
        save();
        return;
      }
    } else if (snapshot && snapshot.step !== step) {
      if (canonical(snapshot.section) === canonical(saved[snapshot.step])) {
        dropSnapshot();
      } else {
        var link = window.location.pathname + "?etape=" + encodeURIComponent(snapshot.step);
        setStatus("restored", format(texts.restoredElsewhere, { step: snapshot.step }), {
          href: link,
          text: texts.restoredLink,
        });
      }
    }
    if (form.hasAttribute("data-unsaved")) {
      // The page shows answers the server could not save (refused values, or answers
      // kept through a sign-in): save what can be saved.
      dirty = true;
      save();
    }
  }

  function refreshAll() {
    refreshConditions(form);
    Array.prototype.forEach.call(form.querySelectorAll("[data-entry]"), function (entry) {
      refreshConditions(entry);
      refreshTitle(entry);
    });
  }

  start();
})();
