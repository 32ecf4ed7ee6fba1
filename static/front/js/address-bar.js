/* The view in the address bar, and the links that carry it (copy link, the download menu):
   ?c=lat,lon&z=8&date=2024-05-30&at=lat,lon&weapon=&target=&launch=lat,lon&reach=gmlrs,atacms
   The server reads it (mapsite/front/permalink.py); the page only writes it. */
(function () {
  "use strict";
  var PM = window.PolicyMap;

  function fixed(value, digits) {
    return Number(value.toFixed(digits)).toString();
  }

  // `lang` (the language switch's links) names the language; otherwise the page's is kept
  // unless it is English and the link named none.
  PM.permalinkQuery = function (state, lang) {
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
    if (lang) params.set("lang", lang);
    else if (state.lang && (state.lang !== "en" || state.langAsked)) params.set("lang", state.lang);
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

  function bboxParam(bounds) {
    var clamp = function (v, lo, hi) { return Math.max(lo, Math.min(hi, v)); };
    return [
      clamp(bounds.getWest(), -180, 180).toFixed(3), clamp(bounds.getSouth(), -90, 90).toFixed(3),
      clamp(bounds.getEast(), -180, 180).toFixed(3), clamp(bounds.getNorth(), -90, 90).toFixed(3)
    ].join(",");
  }

  // The download menu's links (the zones on screen, in each format: data-download names the
  // URL template) and the address bar follow the view.
  PM.updateLinks = function () {
    var state = PM.state;
    var values = { date: state.date, bbox: bboxParam(PM.map.getBounds()) };
    document.querySelectorAll("#download-menu [data-download]").forEach(function (link) {
      link.href = PM.url(link.getAttribute("data-download"), values);
    });
    // Links and texts that carry the view to another page (the full map from an embed,
    // the printed address): data-view-link / data-view-text name the path.
    var query = PM.permalinkQuery(state);
    document.querySelectorAll("[data-view-link]").forEach(function (link) {
      link.href = link.getAttribute("data-view-link") + query;
    });
    document.querySelectorAll("[data-view-text]").forEach(function (node) {
      node.textContent = new URL(node.getAttribute("data-view-text") + query, window.location.href).href;
    });
    // The language switch: the same view in each language (data-lang-link names it).
    document.querySelectorAll("[data-lang-link]").forEach(function (link) {
      link.href = window.location.pathname + PM.permalinkQuery(state, link.getAttribute("data-lang-link"));
    });
    PM.writePermalink(state);
  };

  PM.setupCopyLink = function () {
    PM.byId("copy-link").addEventListener("click", function () {
      var url = PM.permalinkNow(PM.state);
      var status = PM.byId("copy-status");
      var done = function () { status.textContent = PM.t("linkCopied"); };
      PM.copyText(url, done, function () { status.textContent = url; });
    });
  };
})();
