/* Start-up, the head's one script (async): the page's one global (window.PolicyMap, PM in
   every script), the map config the server wrote into #map-config, GETs, and the first
   view's zones. It asks for the zones the server named for the first view at once, loads
   zones-layer.js and Leaflet (config.firstScripts) as soon as they arrive, and has
   django-leaflet create the map once both Leaflet and the map's element are there, not
   when the whole page is parsed; the page's other scripts are added after the first
   zones are drawn. */
(function () {
  "use strict";
  var PM = (window.PolicyMap = window.PolicyMap || {});
  PM.config = JSON.parse(document.getElementById("map-config").textContent);
  PM.STATUSES = PM.config.statuses;

  // The phone layout: narrow.css is linked with the same media query.
  PM.narrow = window.matchMedia(PM.config.narrowMedia);

  // The page's words in its language (config.text, from mapsite/front/page_text.py), their
  // {names} filled in: PM.t("verdictFailed", {error: "..."}).
  PM.t = function (key, values) {
    var text = PM.config.text[key];
    if (text === undefined) return key;
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && values[name] !== undefined ? String(values[name]) : whole;
    });
  };

  // An API URL in the page's language: `lang=` added unless the page is in English (the
  // API's default), as the server adds it (permalink.lang_param).
  PM.apiUrl = function (url) {
    var lang = PM.config.lang;
    return !lang || lang === "en" ? url : url + (url.indexOf("?") < 0 ? "?" : "&") + "lang=" + lang;
  };

  // An API URL from the server's template (config.urls), its {names} filled in, encoded.
  PM.url = function (name, values) {
    return PM.apiUrl(PM.config.urls[name].replace(/\{(\w+)\}/g, function (whole, key) {
      return encodeURIComponent(values[key]).replace(/%2C/g, ",");
    }));
  };

  // The zones' display tolerance for a map at this latitude and zoom, from the server's
  // table (mapsite/zones/vocabulary.py works it out; the page only looks it up).
  PM.toleranceFor = function (lat, zoom) {
    var simplify = PM.config.simplify;
    zoom = Math.max(PM.config.minZoom, Math.min(PM.config.maxZoom, Math.round(zoom)));
    return simplify.tolerances[zoom][Math.round(Math.abs(lat) / simplify.latStep)];
  };

  // A policy version (a step of the timeline) by its slug.
  PM.policy = function (slug) {
    return PM.config.policies.filter(function (policy) { return policy.slug === slug; })[0] || null;
  };

  // Plain GETs (no custom headers), so the first one can take the page's preload.
  function request(url) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (text) {
          return { ok: response.ok, status: response.status, text: text };
        });
      });
  }

  // An HTTP answer as JSON; rejects with {status, message, field} on HTTP errors.
  function settle(answer) {
    var body = null;
    try { body = answer.text ? JSON.parse(answer.text) : null; } catch (e) { body = null; }
    if (!answer.ok) {
      var error = new Error((body && body.error) || PM.t("serverAnswered", { status: answer.status }));
      error.status = answer.status;
      error.field = body && body.field;
      throw error;
    }
    return body;
  }

  // GET JSON. The first view's zones, asked for below, are not asked for again.
  PM.getJSON = function (url) {
    var answer;
    if (PM.prefetched && PM.prefetched.url === url) {
      answer = PM.prefetched.answer;
      PM.prefetched = null;
    } else {
      answer = request(url);
    }
    return answer.then(settle);
  };

  // The first view: what the address bar asks for, read by the server, which also named
  // the zones URL it told the browser to preload.
  var first = PM.config.view;
  var firstZones = PM.config.firstZones;
  // (none when the first view's version is drawn from vector tiles)
  PM.prefetched = firstZones.url ? { url: firstZones.url, answer: request(firstZones.url) } : null;

  // The page's other scripts (config.scripts, in order, page.js last), once the first zones
  // are drawn: until then nothing competes with Leaflet and the zones for connections.
  var scriptsAdded = false;
  function addScripts() {
    if (scriptsAdded) return;
    scriptsAdded = true;
    PM.config.scripts.forEach(function (src) {
      var script = document.createElement("script");
      script.src = src;
      script.async = false;  // they run in the order given
      document.head.appendChild(script);
    });
  }
  function afterFirstFrame() {
    requestAnimationFrame(function () { setTimeout(addScripts, 0); });
  }
  // Should the map never start, the page still gets its scripts once it has loaded.
  window.addEventListener("load", afterFirstFrame, { once: true });

  // config.firstScripts, in order, each as soon as it arrives (async = false: in the order
  // given, and without waiting for the page to be parsed).
  var firstScripts = PM.config.firstScripts;
  var leafletLoaded = false;
  firstScripts.forEach(function (src, index) {
    var script = document.createElement("script");
    script.src = src;
    script.async = false;
    if (index === firstScripts.length - 1) {
      script.addEventListener("load", function () { leafletLoaded = true; startMap(); });
    }
    document.head.appendChild(script);
  });

  // django-leaflet's script after the map's element defines window.loadmapmap and creates
  // the map on config.mapStartEvent: fired once Leaflet has loaded and that script has run
  // (else once the page is parsed).
  var mapStarted = false;
  function startMap() {
    if (mapStarted || !leafletLoaded) return;
    if (typeof window.loadmapmap !== "function" && document.readyState === "loading") return;
    mapStarted = true;
    window.dispatchEvent(new Event(PM.config.mapStartEvent));
  }
  document.addEventListener("readystatechange", startMap);

  // django-leaflet says when it has created the map.
  // PM.createZones is zones-layer.js's, the first of config.firstScripts.
  window.addEventListener("map:init", function (event) {
    var map = PM.map = event.detail.map;
    map.setView([first.center.lat, first.center.lon], first.zoom, { animate: false });
    PM.zones = PM.createZones(map);
    PM.zonesLoaded = PM.zones.load(first.date, first.policy, true, firstZones);
    PM.zonesLoaded.then(afterFirstFrame, afterFirstFrame);
  }, { once: true });
})();
