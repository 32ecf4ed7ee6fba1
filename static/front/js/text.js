/* Shared helpers, and the view kept in the address bar.
   Text from the database only ever enters the page as text nodes. */
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

  PM.clear = function (node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  };

  // A status's label, as the vocabulary words it.
  PM.statusLabel = function (slug) {
    var status = PM.config.statuses[slug];
    return status ? status.label : slug;
  };

  // "2024-05-30" -> "30 May 2024" in the page's language (a calendar day: no time zone).
  var dayFormat = new Intl.DateTimeFormat(PM.config.locale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  PM.formatDate = function (iso) {
    if (!iso) return "";
    var day = new Date(String(iso) + "T00:00:00Z");
    return isNaN(day.getTime()) ? String(iso) : dayFormat.format(day);
  };

  // 24448.9 -> "24,449"; (35.06, 1) -> "35.1". (toLocaleString is slow the first time.)
  PM.formatNumber = function (value, digits) {
    var parts = Number(value).toFixed(digits || 0).split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    if (parts[1] && /^0+$/.test(parts[1])) parts.pop();
    return parts.join(".");
  };

  // The layer control's and the legend's name for a weapon's reach from the Kharkiv
  // border; the deep-strike band's ring (config.deepStrikeWeapon) says what it marks:
  // "Deep strikes begin: ATACMS reach, 300 km from the Kharkiv border".
  PM.reachLabel = function (weapon) {
    var name = weapon.name.replace(/ \(.*\)$/, "");
    var km = PM.formatNumber(weapon.range_km);
    if (weapon.slug === PM.config.deepStrikeWeapon) {
      return "Deep strikes begin: " + name + " reach, " + km + " km from the Kharkiv border";
    }
    return name + " reach from the Kharkiv border (" + km + " km)";
  };

  PM.formatLatLng = function (lat, lon) {
    return Math.abs(lat).toFixed(4) + "\u00B0" + (lat >= 0 ? "N" : "S") + ", " +
      Math.abs(lon).toFixed(4) + "\u00B0" + (lon >= 0 ? "E" : "W");
  };

  // Great-circle distance in km (for "within reach of the launch point").
  PM.distanceKm = function (a, b) {
    var rad = Math.PI / 180;
    var dLat = (b.lat - a.lat) * rad, dLon = (b.lon - a.lon) * rad;
    var h = Math.pow(Math.sin(dLat / 2), 2) +
      Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
  };

})();

/* The view in the address bar:
   ?c=lat,lon&z=8&date=2024-05-30&at=lat,lon&weapon=&target=&launch=lat,lon&reach=gmlrs,atacms */
(function () {
  "use strict";
  var PM = window.PolicyMap;

  function fixed(value, digits) {
    return Number(value.toFixed(digits)).toString();
  }

  PM.permalinkQuery = function (state) {
    var params = new URLSearchParams();
    params.set("c", fixed(state.center.lat, 4) + "," + fixed(state.center.lon, 4));
    params.set("z", String(state.zoom));
    params.set("date", state.date);
    if (state.point) params.set("at", fixed(state.point.lat, 5) + "," + fixed(state.point.lon, 5));
    if (state.weapon) params.set("weapon", state.weapon);
    if (state.target) params.set("target", state.target);
    if (state.launch) params.set("launch", fixed(state.launch.lat, 5) + "," + fixed(state.launch.lon, 5));
    // The reach rings from the Kharkiv border, only when they differ from the default.
    var reach = (state.reach || []).join(",");
    if (reach !== PM.config.view.defaultReach.join(",")) params.set("reach", reach || "none");
    return "?" + params.toString().replace(/%2C/g, ",");
  };

  var pending = null;
  // replaceState, at most every 250 ms (browsers throttle rapid history calls).
  PM.writePermalink = function (state) {
    if (pending) clearTimeout(pending);
    pending = setTimeout(function () {
      pending = null;
      var query = PM.permalinkQuery(state);
      if (query !== window.location.search) {
        window.history.replaceState(null, "", window.location.pathname + query);
      }
    }, 250);
  };

  PM.permalinkNow = function (state) {
    if (pending) { clearTimeout(pending); pending = null; }
    window.history.replaceState(null, "", window.location.pathname + PM.permalinkQuery(state));
    return window.location.href;
  };
})();
