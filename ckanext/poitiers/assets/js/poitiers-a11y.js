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

  /* Form errors (RGAA 11.10): CKAN's form macros print the message of a field next to it but do
     not tie it to the field. Each message gets an id, its field aria-invalid and
     aria-describedby; each line of the summary becomes a link to its field; the focus goes to
     the summary, so that the errors are the first thing read after sending. */
  function describe(field, node, suffix) {
    if (!node.id) { node.id = field.id + suffix; }
    var described = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (described.indexOf(node.id) < 0) { described.push(node.id); }
    field.setAttribute("aria-describedby", described.join(" "));
  }

  /* The help text under a field (CKAN's form.info, ckanext-scheming's help_text) is read with
     the field too. */
  function fixHelp() {
    var helps = document.querySelectorAll(".form-group .info-block, .form-group .editor-info-block");
    Array.prototype.forEach.call(helps, function (help) {
      var label = help.closest(".form-group").querySelector("label[for]");
      var field = label && document.getElementById(label.getAttribute("for"));
      if (field) { describe(field, help, "-help"); }
    });
  }

  function fixErrors() {
    var groups = document.querySelectorAll(".form-group.error");
    Array.prototype.forEach.call(groups, function (group) {
      var label = group.querySelector("label[for]");
      var field = label && document.getElementById(label.getAttribute("for"));
      var message = group.querySelector(".error-block");
      if (!field || !message) { return; }
      field.setAttribute("aria-invalid", "true");
      describe(field, message, "-error");
    });
    var summary = document.querySelector(".error-explanation");
    if (!summary) { return; }
    if (!summary.id) { summary.id = "form-errors"; }
    summary.setAttribute("tabindex", "-1");
    var labels = document.querySelectorAll("form label[for]");
    Array.prototype.forEach.call(summary.querySelectorAll("li[data-field-label]"), function (li) {
      var name = li.getAttribute("data-field-label");
      // ckanext-scheming names the field (its input is "field-<name>"), CKAN its label
      var target = document.getElementById("field-" + name) ? "field-" + name : null;
      Array.prototype.forEach.call(labels, function (label) {
        var text = label.textContent.replace("*", "").replace(/\s+/g, " ").trim();
        if (!target && text === name && document.getElementById(label.getAttribute("for"))) {
          target = label.getAttribute("for");
        }
      });
      if (!target || li.querySelector("a")) { return; }
      var link = document.createElement("a");
      link.href = "#" + target;
      while (li.firstChild) { link.appendChild(li.firstChild); }
      li.appendChild(link);
      link.addEventListener("click", function (e) {
        var el = document.getElementById(target);
        if (el) { e.preventDefault(); el.focus(); }
      });
    });
    if (!document.activeElement || document.activeElement === document.body) {
      summary.focus();
    }
  }

  /* The skip link leads to the main landmark (RGAA 12.7): CKAN's target, #content, is the
     container that holds the breadcrumb and the sidebar before the main column, so that on the
     search page a keyboard user went through every filter before the results. */
  function focusMain(heading) {
    var container = document.getElementById("content");
    var main = container && (container.matches("main, [role=main]") ? container
      : container.querySelector("main, [role=main]"));
    if (!main) { return false; }
    var target = heading ? (main.querySelector("h1") || main) : main;
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus();
    return document.activeElement === target;
  }

  function fixSkipLink() {
    // delegated: the link is replaced when htmx swaps the page (hx-boost on filters and pages).
    // The focus moves at once, in place of the browser's jump to #content (which would leave
    // the next Tab starting from the breadcrumb before the main column); the address still
    // gains #content, as the jump would give it.
    document.addEventListener("click", function (e) {
      var link = e.target.closest && e.target.closest(".poitiers-skip-link");
      if (!link || !focusMain(false)) { return; }
      e.preventDefault();
      var hash = link.getAttribute("href");
      if (hash && hash.charAt(0) === "#" && window.location.hash !== hash) {
        window.history.pushState(null, "", hash);
      }
    });
  }

  /* The filters and pages of results are followed by htmx (hx-boost): the new page replaces
     the old one without a page load, which screen readers do not announce, and the focus fell
     back to the top of the page. The focus goes to the new page's heading (« 4 jeux de données
     trouvés »), which is read out. */
  function followBoostedPages() {
    document.addEventListener("htmx:afterSettle", function (e) {
      if (e.detail && e.detail.boosted) { focusMain(true); }
    });
  }

  function start() {
    fixSkipLink();
    followBoostedPages();
    fixHelp();
    fixErrors();
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
