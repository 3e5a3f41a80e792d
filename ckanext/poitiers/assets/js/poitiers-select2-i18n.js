/* The messages of select2 (CKAN 2.12's tag, licence and autocomplete fields) in the page's
   language: select2 4 writes its own English (« Remove item » on each chosen value,
   « Search » on its search field, « No results found »…) unless given a language. They are
   read from CKAN's JavaScript catalogue (/api/i18n/<lang>, loaded before CKAN's modules build
   the fields), so through gettext like every string of the portal. CKAN 2.11's select2 3
   takes its messages from CKAN's module instead: nothing to do there. */
(function ($) {
  "use strict";
  if (!$ || !$.fn.select2 || !$.fn.select2.amd || !window.ckan || !ckan.i18n) { return; }
  var _ = ckan.i18n._;
  var ngettext = ckan.i18n.ngettext;
  $.fn.select2.defaults.set("language", {
    errorLoading: function () { return _("The results could not be loaded."); },
    inputTooLong: function (args) {
      var num = args.input.length - args.maximum;
      return ngettext("Please delete %(num)d character", "Please delete %(num)d characters",
                      num, {num: num});
    },
    inputTooShort: function (args) {
      var num = args.minimum - args.input.length;
      return ngettext("Please enter %(num)d or more character",
                      "Please enter %(num)d or more characters", num, {num: num});
    },
    loadingMore: function () { return _("Loading more results…"); },
    maximumSelected: function (args) {
      return ngettext("You can only select %(num)d item", "You can only select %(num)d items",
                      args.maximum, {num: args.maximum});
    },
    noResults: function () { return _("No results found"); },
    searching: function () { return _("Searching..."); },
    removeAllItems: function () { return _("Remove all items"); },
    removeItem: function () { return _("Remove item"); },
    search: function () { return _("Search"); }
  });
}(window.jQuery));
