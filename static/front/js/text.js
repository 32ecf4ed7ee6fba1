/* Text into the page: building elements (el, clear, byId) and the wording of statuses,
   dates (as the server worded them), numbers and coordinates. Text from the database only ever enters the page as
   text nodes. */
(function () {
  "use strict";
  var PM = (window.PolicyMap = window.PolicyMap || {});

  // el("p", {class: "x"}, ["text", node]) builds an element; strings become text nodes.
  PM.el = function (tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === "string" || typeof child === "number"
        ? document.createTextNode(String(child)) : child);
    });
    return node;
  };

  PM.byId = function (id) { return document.getElementById(id); };

  // Text to the clipboard: `done` once copied; `fallback` where the browser has no
  // clipboard here (an insecure page) or refuses, so the reader can copy it by hand.
  PM.copyText = function (text, done, fallback) {
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
    else fallback();
  };

  PM.clear = function (node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  };

  // A status's label, as the vocabulary words it.
  PM.statusLabel = function (slug) {
    var status = PM.config.statuses[slug];
    return status ? status.label : slug;
  };

  // "2024-05-30" -> "30 May 2024": the server words every date the page may show
  // (config.dates, from mapsite/zones/vocabulary.py); any other stays as it is.
  PM.dayText = function (iso) {
    return iso ? PM.config.dates[iso] || String(iso) : "";
  };

  // 24448.9 -> "24,449" ("24 449" in Ukrainian); (35.06, 1) -> "35.1" ("35,1"): the
  // separators are the page language's (config.text). (toLocaleString is slow the first time.)
  PM.formatNumber = function (value, digits) {
    var parts = Number(value).toFixed(digits || 0).split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, PM.t("numberGroup"));
    if (parts[1] && /^0+$/.test(parts[1])) parts.pop();
    return parts.join(PM.t("numberDecimal"));
  };

  // 50.0, 36.2 -> "50.0000°N, 36.2000°E" ("50,0000° пн. ш., 36,2000° сх. д." in Ukrainian).
  PM.formatLatLng = function (lat, lon) {
    var decimal = PM.t("numberDecimal");
    return PM.t("latLon", {
      lat: Math.abs(lat).toFixed(4).replace(".", decimal), ns: PM.t(lat >= 0 ? "north" : "south"),
      lon: Math.abs(lon).toFixed(4).replace(".", decimal), ew: PM.t(lon >= 0 ? "east" : "west")
    });
  };

  // Items joined with the language's " and ".
  PM.joinAnd = function (items) { return items.join(PM.t("and")); };
})();
