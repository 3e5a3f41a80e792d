/* Search box autocomplete (poitiers_search): dataset titles and keywords from the
 * poitiers_autocomplete action, for the header search box and the dataset search page.
 *
 * The WAI-ARIA 1.2 "combobox with list autocomplete" pattern: the input is a combobox
 * (aria-expanded, aria-controls, aria-activedescendant) that controls a listbox of options;
 * the focus stays in the input. Down / Up move through the options, Enter follows the active
 * one (a dataset opens its page, a keyword searches it), Escape closes the list, Tab leaves.
 * A polite status says how many suggestions there are. Labels come in French from the page
 * (#poitiers-autocomplete data attributes, through gettext). Without this script, or when the
 * action fails, the search box stays a plain search box. */
(function () {
  "use strict";
  var MIN = 2, DELAY = 200, LIMIT = 6;

  function config() {
    var el = document.getElementById("poitiers-autocomplete");
    var d = el ? el.dataset : {};
    return {
      url: d.url || "/api/3/action/poitiers_autocomplete",
      datasetUrl: d.datasetUrl || "/dataset/__NAME__",
      searchUrl: d.searchUrl || "/dataset/",
      listLabel: d.listLabel || "Search suggestions",
      dataset: d.datasetLabel || "Dataset",
      keyword: d.keywordLabel || "Keyword",
      none: d.noneLabel || "No suggestion",
      counts: parseCounts(d.countLabels)
    };
  }

  /* {"1": "{n} suggestion: …", "2": "{n} suggestions: …", …}: the page gives the status line
   * for each number, in the plural form of its language (ngettext). */
  function parseCounts(text) {
    try {
      var counts = JSON.parse(text || "{}");
      return counts && typeof counts === "object" ? counts : {};
    } catch (e) {
      return {};
    }
  }

  function countLabel(cfg, n) {
    var label = cfg.counts[String(n)] || cfg.counts["12"] ||
      (n === 1 ? "{n} suggestion: use the up and down arrows, then Enter."
               : "{n} suggestions: use the up and down arrows, then Enter.");
    return label.replace("{n}", n);
  }

  function attach(input, index, cfg) {
    var listId = "poitiers-ac-list-" + index;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "poitiers-ac-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", cfg.listLabel);
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var wrap = input.parentNode;
    wrap.classList.add("poitiers-ac");
    wrap.appendChild(list);
    wrap.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var timer = null, asked = "", items = [], active = -1, request = 0;

    function open() {
      if (!items.length) { return close(); }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function setActive(i) {
      var options = list.querySelectorAll("[role=option]");
      if (active >= 0 && options[active]) { options[active].setAttribute("aria-selected", "false"); }
      active = i;
      if (i >= 0 && options[i]) {
        options[i].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[i].id);
        if (options[i].scrollIntoView) { options[i].scrollIntoView({block: "nearest"}); }
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function follow(i) {
      var item = items[i];
      if (!item) { return; }
      close();
      window.location.assign(item.href);
    }

    function render(body) {
      items = [];
      body.datasets.forEach(function (d) {
        items.push({text: d.title, kind: cfg.dataset,
                    href: cfg.datasetUrl.replace("__NAME__", encodeURIComponent(d.name))});
      });
      body.keywords.forEach(function (k) {
        items.push({text: k, kind: cfg.keyword,
                    href: cfg.searchUrl + "?q=" + encodeURIComponent(k)});
      });
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.className = "poitiers-ac-option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var text = document.createElement("span");
        text.className = "poitiers-ac-text";
        text.textContent = item.text;
        var kind = document.createElement("span");
        kind.className = "poitiers-ac-kind";
        kind.textContent = item.kind;
        li.appendChild(text);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(kind);
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
        li.addEventListener("click", function () { follow(i); });
        list.appendChild(li);
      });
      status.textContent = items.length ? countLabel(cfg, items.length) : cfg.none;
      if (items.length) { open(); } else { close(); }
    }

    /* no suggestions any more (too little typed, the action failed): no list, and no status
     * line left saying how many there were */
    function clear() {
      items = [];
      list.textContent = "";
      status.textContent = "";
      close();
    }

    function ask(q) {
      var mine = ++request;
      asked = q;
      var url = cfg.url + "?limit=" + LIMIT + "&q=" + encodeURIComponent(q);
      /* an error (the action refused what was typed, the portal is down): no list, rather than
       * the suggestions of what was typed before; the search itself still works */
      function none() {
        if (mine !== request) { return; }
        clear();
      }
      fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (body) {
          if (mine !== request) { return; }
          if (!body || !body.success || !body.result) { return none(); }
          if (input.value.trim() !== q || document.activeElement !== input) { return; }
          render(body.result);
        })
        .catch(none);
    }

    input.addEventListener("input", function () {
      var q = input.value.trim();
      window.clearTimeout(timer);
      setActive(-1);  // the text changed: Enter no longer means the option chosen before
      if (q.length < MIN) { request++; clear(); return; }
      if (q === asked && items.length) { open(); return; }
      timer = window.setTimeout(function () { ask(q); }, DELAY);
    });

    input.addEventListener("keydown", function (ev) {
      var expanded = !list.hidden;
      if (ev.key === "ArrowDown" || ev.key === "Down") {
        if (!items.length) { return; }
        ev.preventDefault();
        if (!expanded) { open(); setActive(0); return; }
        setActive(active + 1 < items.length ? active + 1 : 0);
      } else if (ev.key === "ArrowUp" || ev.key === "Up") {
        if (!items.length) { return; }
        ev.preventDefault();
        if (!expanded) { open(); setActive(items.length - 1); return; }
        setActive(active > 0 ? active - 1 : items.length - 1);
      } else if (ev.key === "Enter") {
        if (expanded && active >= 0) { ev.preventDefault(); follow(active); }
      } else if (ev.key === "Escape" || ev.key === "Esc") {
        if (expanded) { ev.preventDefault(); close(); }
      } else if (ev.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", function () { close(); });
  }

  function init() {
    var cfg = config();
    var inputs = document.querySelectorAll("#field-sitewide-search, #field-giant-search");
    Array.prototype.forEach.call(inputs, function (input, i) { attach(input, i, cfg); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
