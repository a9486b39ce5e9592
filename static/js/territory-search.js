/*
 * Territory questions of the answer page, with JavaScript: suggestions as you type in an
 * accessible combobox (ARIA 1.2 pattern: role=combobox + listbox, arrow keys, Enter,
 * Escape), and adding or removing partners without reloading the page.
 *
 * Without JavaScript the same markup works through its form buttons (search, add,
 * remove); this script only takes over those buttons. Every change is announced to
 * survey-answer.js with a bubbling "survey:changed" event, which saves the draft.
 */
(function () {
  "use strict";

  var form = document.getElementById("survey-form");
  var texts = document.getElementById("survey-script-messages");
  if (!form || !texts) {
    return;
  }
  texts = texts.dataset;

  var DEBOUNCE_MS = 250;
  var MIN_QUERY = 2;
  var PAGE_SIZE = 8;
  var apiUrl = form.dataset.territoryApiUrl;
  var announcer = document.createElement("div");
  announcer.className = "fr-sr-only";
  announcer.setAttribute("aria-live", "polite");
  document.body.appendChild(announcer);

  function announce(message) {
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = message;
    }, 50);
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) {
      return values[name] === undefined ? match : values[name];
    });
  }

  function changed(element) {
    element.dispatchEvent(new CustomEvent("survey:changed", { bubbles: true }));
  }

  function questionOf(element) {
    return element.closest("[data-question]");
  }

  function fieldsetOf(question) {
    return question.querySelector(".portal-territories");
  }

  function chosenReferences(question) {
    return Array.prototype.map.call(
      question.querySelectorAll("[data-items] [data-reference]"),
      function (input) {
        return input.value;
      }
    );
  }

  function nextIndex(question) {
    var fieldset = fieldsetOf(question);
    var index = parseInt(fieldset.dataset.nextIndex || "0", 10);
    fieldset.dataset.nextIndex = String(index + 1);
    return index;
  }

  function removeButton(path, index, name) {
    var button = document.createElement("button");
    button.type = "submit";
    button.name = "_action";
    button.value = "remove:" + path + "." + index;
    button.setAttribute("data-remove", "");
    button.className =
      "fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-icon-close-line fr-btn--icon-left";
    button.appendChild(document.createTextNode(texts.remove));
    var hidden = document.createElement("span");
    hidden.className = "fr-sr-only";
    hidden.textContent = " " + name;
    button.appendChild(hidden);
    return button;
  }

  function refreshEmpty(question) {
    var empty = question.querySelector("[data-empty]");
    if (empty) {
      empty.hidden = question.querySelectorAll("[data-items] [data-item]").length > 0;
    }
  }

  /* A territory chosen from the reference data. */
  function addReference(question, reference, name, detail, silent) {
    if (chosenReferences(question).indexOf(reference) !== -1) {
      return;
    }
    var list = question.querySelector("[data-items]");
    if (question.dataset.type === "territory") {
      Array.prototype.forEach.call(list.querySelectorAll("[data-item]"), function (item) {
        item.remove();
      });
    }
    var path = question.dataset.path;
    var index = nextIndex(question);
    var item = document.createElement("li");
    item.className = "portal-chosen__item";
    item.setAttribute("data-item", "");
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = path + "." + index;
    input.value = reference;
    input.setAttribute("data-reference", "");
    var label = document.createElement("span");
    label.className = "portal-chosen__name";
    label.setAttribute("data-name", "");
    label.textContent = name;
    item.appendChild(input);
    item.appendChild(label);
    if (detail) {
      var hint = document.createElement("span");
      hint.className = "fr-hint-text portal-chosen__detail";
      hint.setAttribute("data-detail", "");
      hint.textContent = detail;
      item.appendChild(hint);
    }
    item.appendChild(removeButton(path, index, name));
    list.appendChild(item);
    refreshEmpty(question);
    if (!silent) {
      announce(format(texts.added, { name: name }));
      changed(list);
    }
  }

  /* A partner absent from the reference data, from the "not in the list" fields. */
  function addOther(question) {
    var nameInput = question.querySelector("[data-new-other-name]");
    var categoryInput = question.querySelector("[data-new-other-category]");
    var name = nameInput.value.trim();
    if (!name && !categoryInput.value) {
      nameInput.focus();
      return;
    }
    var item = addOtherItem(question, name, categoryInput.value);
    nameInput.value = "";
    categoryInput.value = "";
    announce(format(texts.added, { name: name }));
    changed(item);
  }

  /* Its item in the chosen list, where its name and type stay editable. */
  function addOtherItem(question, name, category) {
    var template = document.getElementById("survey-other-item");
    var item = template.content.firstElementChild.cloneNode(true);
    var path = question.dataset.path;
    var index = nextIndex(question);
    var id = "q-" + path.replace(/\./g, "-") + "-" + index;
    var itemName = item.querySelector("[data-other-name]");
    var itemCategory = item.querySelector("[data-other-category]");
    itemName.name = path + "." + index + ".other_name";
    itemName.id = id + "-name";
    itemName.value = name;
    item.querySelector("label[data-for-name]").htmlFor = itemName.id;
    itemCategory.name = path + "." + index + ".other_category";
    itemCategory.id = id + "-category";
    itemCategory.value = category;
    item.querySelector("label[data-for-category]").htmlFor = itemCategory.id;
    item.appendChild(removeButton(path, index, name));
    question.querySelector("[data-items]").appendChild(item);
    refreshEmpty(question);
    return item;
  }

  function removeItem(button) {
    var question = questionOf(button);
    var item = button.closest("[data-item]");
    var nameElement = item.querySelector("[data-name]") || item.querySelector("[data-other-name]");
    var name = nameElement ? nameElement.textContent || nameElement.value : "";
    var list = item.parentNode;
    var next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    refreshEmpty(question);
    announce(format(texts.removed, { name: name }));
    changed(list);
    var focus = next ? next.querySelector("[data-remove]") : null;
    (focus || question.querySelector("[data-search-input]")).focus();
  }

  /* The combobox of one territory question. */
  function Combobox(question) {
    this.question = question;
    this.input = question.querySelector("[data-search-input]");
    this.button = question.querySelector("[data-search-button]");
    this.results = [];
    this.active = -1;
    this.timer = null;
    this.sequence = 0;
    this.listbox = document.createElement("ul");
    this.listbox.id = this.input.id + "-listbox";
    this.listbox.className = "portal-combobox__listbox";
    this.listbox.setAttribute("role", "listbox");
    this.listbox.setAttribute("aria-label", question.dataset.label || "");
    this.listbox.hidden = true;
    this.input.parentNode.appendChild(this.listbox);
    this.input.setAttribute("role", "combobox");
    this.input.setAttribute("aria-autocomplete", "list");
    this.input.setAttribute("aria-expanded", "false");
    this.input.setAttribute("aria-controls", this.listbox.id);
    this.input.addEventListener("input", this.onInput.bind(this));
    this.input.addEventListener("keydown", this.onKeyDown.bind(this));
    this.input.addEventListener("blur", this.close.bind(this));
    this.button.addEventListener("click", this.onButton.bind(this));
    this.listbox.addEventListener("mousedown", function (event) {
      // Keep the focus in the input, so that blur does not close the list first.
      event.preventDefault();
    });
    this.listbox.addEventListener("click", this.onClick.bind(this));
  }

  Combobox.prototype.onInput = function () {
    window.clearTimeout(this.timer);
    var query = this.input.value.trim();
    if (query.length < MIN_QUERY) {
      this.close();
      return;
    }
    this.timer = window.setTimeout(this.search.bind(this, query), DEBOUNCE_MS);
  };

  Combobox.prototype.onButton = function (event) {
    event.preventDefault();
    var query = this.input.value.trim();
    this.input.focus();
    if (query.length >= MIN_QUERY) {
      this.search(query);
    }
  };

  Combobox.prototype.search = function (query) {
    var self = this;
    var sequence = ++this.sequence;
    var url = apiUrl + "?" + new URLSearchParams({ q: query, page_size: PAGE_SIZE });
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        if (sequence !== self.sequence || document.activeElement !== self.input) {
          return;
        }
        var chosen = chosenReferences(self.question);
        self.results = (body.results || []).filter(function (territory) {
          return chosen.indexOf(territory.kind + ":" + territory.code) === -1;
        });
        self.render();
      })
      .catch(function () {
        // The form's search button still works: nothing else to do.
        self.close();
      });
  };

  Combobox.prototype.render = function () {
    var self = this;
    this.listbox.textContent = "";
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    if (!this.results.length) {
      var empty = document.createElement("li");
      empty.setAttribute("role", "option");
      empty.setAttribute("aria-disabled", "true");
      empty.className = "portal-combobox__empty";
      empty.textContent = texts.noResult;
      this.listbox.appendChild(empty);
      announce(texts.noResult);
    } else {
      this.results.forEach(function (territory, index) {
        var option = document.createElement("li");
        option.id = self.listbox.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.index = String(index);
        option.className = "portal-combobox__option";
        var name = document.createElement("span");
        name.textContent = territory.name;
        var detail = document.createElement("span");
        detail.className = "fr-hint-text";
        detail.textContent = detailOf(territory);
        option.appendChild(name);
        option.appendChild(detail);
        self.listbox.appendChild(option);
      });
      announce(format(texts.results, { count: this.results.length }));
    }
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  function detailOf(territory) {
    return (territory.category_label || territory.kind_label || "") + ", " + territory.code;
  }

  Combobox.prototype.isOpen = function () {
    return !this.listbox.hidden;
  };

  Combobox.prototype.close = function () {
    this.listbox.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Combobox.prototype.highlight = function (index) {
    var options = this.listbox.querySelectorAll("[role=option]:not([aria-disabled])");
    if (!options.length) {
      return;
    }
    this.active = (index + options.length) % options.length;
    Array.prototype.forEach.call(options, function (option, position) {
      option.setAttribute("aria-selected", position === this.active ? "true" : "false");
    }, this);
    var current = options[this.active];
    this.input.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  };

  Combobox.prototype.choose = function (index) {
    var territory = this.results[index];
    if (!territory) {
      return;
    }
    this.close();
    this.input.value = "";
    this.results = [];
    addReference(this.question, territory.kind + ":" + territory.code, territory.name, detailOf(territory));
    this.input.focus();
  };

  Combobox.prototype.onKeyDown = function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!this.isOpen()) {
        if (this.results.length) {
          this.render();
        } else if (this.input.value.trim().length >= MIN_QUERY) {
          this.search(this.input.value.trim());
        }
        return;
      }
      this.highlight(this.active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter") {
      // Enter never submits the whole form from here: it chooses, or searches.
      event.preventDefault();
      if (this.isOpen() && this.active >= 0) {
        this.choose(this.active);
      } else if (this.input.value.trim().length >= MIN_QUERY) {
        window.clearTimeout(this.timer);
        this.search(this.input.value.trim());
      }
    } else if (event.key === "Escape") {
      if (this.isOpen()) {
        event.preventDefault();
        this.close();
      } else if (this.input.value) {
        event.preventDefault();
        this.input.value = "";
      }
    }
  };

  Combobox.prototype.onClick = function (event) {
    var option = event.target.closest("[role=option]");
    if (option && option.dataset.index !== undefined) {
      this.choose(parseInt(option.dataset.index, 10));
    }
  };

  Array.prototype.forEach.call(form.querySelectorAll("[data-question]"), function (question) {
    if (question.querySelector("[data-search-input]")) {
      new Combobox(question);
    }
  });

  form.addEventListener("click", function (event) {
    var remove = event.target.closest("[data-remove]");
    if (remove && form.contains(remove)) {
      event.preventDefault();
      removeItem(remove);
      return;
    }
    var addOtherButton = event.target.closest("[data-add-other]");
    if (addOtherButton) {
      event.preventDefault();
      addOther(questionOf(addOtherButton));
    }
  });

  // survey-answer.js putting back partners kept on this device.
  form.addEventListener("survey:restore-item", function (event) {
    var question = questionOf(event.target);
    var item = event.detail.item;
    if (typeof item === "string") {
      var known = event.detail.names[item] || {};
      addReference(question, item, known.name || item, known.detail || "", true);
    } else if (item && typeof item === "object") {
      addOtherItem(question, item.other_name || "", item.other_category || "");
    }
    refreshEmpty(question);
  });

  // A result of a search made without the suggestions (the form's button): checking it
  // adds it straight away.
  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches && box.matches("input[type=checkbox][data-add-reference]") && box.checked) {
      var question = questionOf(box);
      addReference(question, box.value, box.dataset.name, box.dataset.detail);
      var row = box.closest(".fr-fieldset__element");
      row.remove();
    }
  });
})();
