/* Harvest source form: choosing a type of source opens the list of its configuration options
   and closes the others (without JavaScript, the list of the type chosen when the page was
   built is open, and every list can be opened). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.name !== "source_type" || !input.form) { return; }
    var lists = input.form.querySelectorAll("details.poitiers-config-options");
    Array.prototype.forEach.call(lists, function (details) {
      details.open = details.getAttribute("data-source-type") === input.value;
    });
  });
}());
