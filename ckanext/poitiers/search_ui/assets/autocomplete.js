/* Search box autocomplete (poitiers_search): dataset titles and keywords from the
 * poitiers_autocomplete action, offered through a native <datalist> so that browsers and
 * screen readers present the suggestions the way they present any input suggestion. */
(function () {
  "use strict";
  var MIN = 2, DELAY = 200;

  function attach(input, index) {
    var list = document.createElement("datalist");
    list.id = "poitiers-autocomplete-" + index;
    input.parentNode.appendChild(list);
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    var timer = null, last = "";

    input.addEventListener("input", function () {
      var q = input.value.trim();
      window.clearTimeout(timer);
      if (q.length < MIN || q === last) { return; }
      timer = window.setTimeout(function () {
        last = q;
        var url = (input.getAttribute("data-poitiers-autocomplete-url") ||
                   "/api/3/action/poitiers_autocomplete") + "?limit=8&q=" + encodeURIComponent(q);
        fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
          .then(function (res) { return res.ok ? res.json() : null; })
          .then(function (body) {
            if (!body || !body.success || input.value.trim() !== q) { return; }
            var seen = {}, options = [];
            body.result.datasets.forEach(function (d) { options.push(d.title); });
            body.result.keywords.forEach(function (k) { options.push(k); });
            list.textContent = "";
            options.forEach(function (text) {
              if (seen[text]) { return; }
              seen[text] = true;
              var option = document.createElement("option");
              option.value = text;
              list.appendChild(option);
            });
          })
          .catch(function () { /* no suggestions: the search itself still works */ });
      }, DELAY);
    });
  }

  function init() {
    var inputs = document.querySelectorAll("#field-giant-search, #field-sitewide-search");
    Array.prototype.forEach.call(inputs, attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
