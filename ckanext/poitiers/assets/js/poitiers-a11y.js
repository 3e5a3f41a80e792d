/* Accessible names for the widgets that CKAN's JavaScript builds (select2 multiple selections
   have none: WCAG 4.1.2). Each widget is labelled by the <label> of the field it replaces.
   CKAN 2.12 ships select2 4 (.select2-selection); CKAN 2.11 ships select2 3 (.select2-choices,
   whose "remove" links carry no text). */
(function () {
  "use strict";
  var counter = 0;

  function labelFor(field) {
    if (!field || !field.id) { return null; }
    var label = document.querySelector('label[for="' + field.id + '"]');
    if (!label) { return null; }
    if (!label.id) { counter += 1; label.id = "poitiers-label-" + counter; }
    return label;
  }

  function fix(root) {
    var selections = root.querySelectorAll ? root.querySelectorAll(".select2-selection") : [];
    Array.prototype.forEach.call(selections, function (selection) {
      var container = selection.closest(".select2-container");
      if (!container) { return; }
      var field = container.previousElementSibling;
      if (!field || !field.id) {
        field = container.parentNode.querySelector(".select2-hidden-accessible[id], select[id], input[id]");
      }
      var label = labelFor(field);
      if (!label) { return; }
      if (!selection.getAttribute("aria-labelledby") ||
          !document.getElementById(selection.getAttribute("aria-labelledby"))) {
        selection.setAttribute("aria-labelledby", label.id);
      }
      var search = container.querySelector(".select2-search__field");
      if (search && !search.getAttribute("aria-label")) {
        search.setAttribute("aria-labelledby", label.id);
      }
    });
  }

  function fixSelect2v3(root) {
    if (!root.querySelectorAll) { return; }
    var remove = document.body.getAttribute("data-poitiers-remove") || "Remove";
    var closes = root.querySelectorAll(".select2-search-choice-close");
    Array.prototype.forEach.call(closes, function (close) {
      if (close.getAttribute("aria-label")) { return; }
      var choice = close.closest(".select2-search-choice");
      var text = choice ? choice.textContent.replace(/\s+/g, " ").trim() : "";
      close.setAttribute("aria-label", text ? remove + " " + text : remove);
      close.setAttribute("role", "button");
    });
    var inputs = root.querySelectorAll(".select2-container-multi .select2-input");
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.getAttribute("aria-label") || input.getAttribute("aria-labelledby")) { return; }
      var container = input.closest(".select2-container");
      var field = container && container.nextElementSibling;
      var label = labelFor(field && field.id ? field : null);
      if (label) { input.setAttribute("aria-labelledby", label.id); }
    });
  }

  function start() {
    fix(document);
    fixSelect2v3(document);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (m) {
        Array.prototype.forEach.call(m.addedNodes, function (n) {
          if (n.nodeType === 1) { fix(n.parentNode || n); fixSelect2v3(n.parentNode || n); }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
