/* The first view's zones, started before the rest of the page: this script runs in the
   head, asks for the zones the address bar's view needs at once, and draws them as soon
   as django-leaflet has created the map (during parsing), without waiting for the other
   scripts. It also holds what they share: the page's data, the URL's state, getJSON. */
(function () {
  "use strict";
  var PM = (window.PolicyMap = window.PolicyMap || {});
  PM.config = JSON.parse(document.getElementById("map-config").textContent);

  var STATUSES = PM.config.statuses;
  PM.STATUSES = STATUSES;

  // The ladder step nearest to `metres` (halves up), within the ladder's ends: the API
  // caches every step as it is (mapsite/zones/vocabulary.py gives the ladder).
  PM.ladderStep = function (metres) {
    var ladder = PM.config.simplify.ladder, best = ladder[0];
    ladder.forEach(function (step) {
      if (Math.abs(step - metres) <= Math.abs(best - metres)) best = step;
    });
    return best;
  };

  // The zones' display tolerance for a map at this latitude and zoom: no finer than the
  // map draws them, a few screen pixels.
  PM.toleranceFor = function (lat, zoom) {
    var simplify = PM.config.simplify;
    var metresPerPixel = simplify.equatorMetresPerPixel * Math.cos(lat * Math.PI / 180) / Math.pow(2, zoom);
    return PM.ladderStep(metresPerPixel * simplify.pixels);
  };

  // The policy version in force on an ISO date (the latest that started by then).
  PM.policyOn = function (date) {
    var found = null;
    PM.config.policies.forEach(function (policy) {
      if ((!policy.effective_from || policy.effective_from <= date) &&
          (!policy.effective_to || date < policy.effective_to)) found = policy;
    });
    return found;
  };

  PM.zonesUrl = function (date, tolerance) {
    return "/api/zones.geojson?date=" + encodeURIComponent(date) + "&simplify=" + tolerance;
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
      var error = new Error((body && body.error) || ("The server answered " + answer.status + "."));
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

  // A status's area fill, outline and hatch, as the vocabulary gives them.
  function addHatchPatterns(renderer) {
    var svgNS = "http://www.w3.org/2000/svg";
    var svg = renderer._container;
    var defs = document.createElementNS(svgNS, "defs");
    function svgEl(tag, attrs) {
      var node = document.createElementNS(svgNS, tag);
      Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
      return node;
    }
    Object.keys(STATUSES).forEach(function (slug) {
      var status = STATUSES[slug];
      if (!status.hatched) return;
      var pattern = svgEl("pattern", { id: "pm-hatch-" + slug, width: 9, height: 9,
        patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
      pattern.appendChild(svgEl("rect", { width: 9, height: 9, fill: status.fill,
        "fill-opacity": status.fill_opacity }));
      pattern.appendChild(svgEl("line", { x1: 0, y1: 0, x2: 0, y2: 9, stroke: status.fill,
        "stroke-width": 2.5, "stroke-opacity": 0.55 }));
      defs.appendChild(pattern);
    });
    svg.insertBefore(defs, svg.firstChild);
  }

  function zoneStyle(feature) {
    var slug = feature.properties.status;
    var status = STATUSES[slug] || STATUSES.not_covered;
    return {
      className: "zone zone--" + slug, interactive: false,
      color: status.line, weight: status.line_weight, opacity: status.line_opacity,
      fillColor: status.hatched ? "url(#pm-hatch-" + slug + ")" : status.fill,
      fillOpacity: status.hatched ? 1 : status.fill_opacity
    };
  }

  // The zones layer: loads the zones for a date, simplified for the zoom. The API returns
  // every zone that meets a bbox whole (it filters, it does not clip), so the zones are
  // fetched without one: a policy version has a handful of zones, and identical URLs share
  // the API's cache. They are fetched again only for another date, or when zooming in
  // needs finer detail.
  function createZones(map) {
    map.createPane("zones").style.zIndex = 400;
    var renderer = L.svg({ pane: "zones", padding: 0.5 });
    map.addLayer(renderer);
    addHatchPatterns(renderer);
    var group = L.layerGroup().addTo(map);
    var changed = L.layerGroup().addTo(map);
    var loaded = null, ticket = 0, firstDrawn = false;

    function highlightChanges(data, date) {
      changed.clearLayers();
      var policy = PM.policyOn(date);
      if (!policy) return;
      var slugs = {};
      PM.config.changes.forEach(function (change) {
        if (change.policy === policy.slug) slugs[change.zone] = true;
      });
      data.features.forEach(function (feature) {
        if (!slugs[feature.properties.slug || feature.id]) return;
        changed.addLayer(L.geoJSON(feature, { pane: "zones", renderer: renderer, interactive: false,
          style: { color: PM.config.colours.changed, weight: 2.5, dashArray: "7 5", fill: false, className: "zone-changed" } }));
      });
    }

    function draw(data, date) {
      var layer = L.geoJSON(data, { pane: "zones", renderer: renderer, style: zoneStyle });
      group.clearLayers();
      group.addLayer(layer);
      highlightChanges(data, date);
      var container = map.getContainer();
      container.setAttribute("data-zones", String(data.features.length));
      container.setAttribute("data-zones-date", date);
      if (!firstDrawn) {
        firstDrawn = true;
        requestAnimationFrame(function () { performance.mark("zones-drawn"); });
      }
    }

    function load(date, force, tolerance) {
      tolerance = tolerance || PM.toleranceFor(map.getCenter().lat, map.getZoom());
      if (loaded && loaded.date === date &&
          (loaded.tolerance === tolerance || (!force && loaded.tolerance <= tolerance * 1.5))) {
        return Promise.resolve(false);
      }
      var mine = ++ticket;
      return PM.getJSON(PM.zonesUrl(date, tolerance)).then(function (data) {
        if (mine !== ticket) return false;  // a newer request (another date) won
        draw(data, date);
        loaded = { date: date, tolerance: tolerance };
        return true;
      });
    }

    return { group: group, changed: changed, renderer: renderer, load: load };
  }

  // The first view: what the address bar asks for, read by the server, which also named
  // the zones URL it told the browser to preload.
  var first = PM.config.view;
  var firstZones = PM.config.firstZones;
  PM.prefetched = { url: firstZones.url, answer: request(firstZones.url) };

  // django-leaflet creates the map while the page is parsed (loadevent=""), and says so.
  window.addEventListener("map:init", function (event) {
    var map = PM.map = event.detail.map;
    map.setView([first.center.lat, first.center.lon], first.zoom, { animate: false });
    PM.zones = createZones(map);
    PM.zonesLoaded = PM.zones.load(first.date, true, firstZones.tolerance);
  }, { once: true });
})();
