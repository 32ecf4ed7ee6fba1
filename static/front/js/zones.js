/* The first view's zones, started before the rest of the page: this script runs in the
   head, asks for the zones the address bar's view needs at once, and draws them as soon
   as django-leaflet has created the map (during parsing), without waiting for the other
   scripts. It also holds what they share: the page's data, the URL's state, getJSON. */
(function () {
  "use strict";
  var PM = (window.PolicyMap = window.PolicyMap || {});
  PM.config = JSON.parse(document.getElementById("map-config").textContent);

  var COLOURS = {
    permitted: "#0072B2",
    restricted: "#E69F00",
    restrictedLine: "#B87F00",
    prohibited: "#D55E00",
    reach: "#6A3D9A"
  };
  PM.COLOURS = COLOURS;

  function parsePoint(text) {
    if (!text) return null;
    var parts = text.split(",");
    if (parts.length !== 2 || !parts[0].trim() || !parts[1].trim()) return null;
    var lat = Number(parts[0]), lon = Number(parts[1]);
    if (!isFinite(lat) || !isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
    return { lat: lat, lon: lon };
  }

  // A real calendar day as YYYY-MM-DD (year 0001 on), as the page's view checks it
  // (mapsite/front/views.py) before preloading the first zones.
  function isDay(text) {
    if (!text || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return false;
    if (text.slice(0, 4) === "0000") return false;
    var day = new Date(text + "T00:00:00Z");
    return !isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
  }

  function slugOrEmpty(text, known) {
    return text && known.some(function (item) { return item.slug === text; }) ? text : "";
  }

  // "Deep strikes begin" (issue 3): the band within ATACMS reach of the Kharkiv border
  // segment. Its ring is shown unless the address bar says otherwise.
  PM.DEEP_STRIKE_WEAPON = "atacms";
  PM.defaultReach = function () {
    return PM.config.weapons.some(function (w) { return w.slug === PM.DEEP_STRIKE_WEAPON; })
      ? [PM.DEEP_STRIKE_WEAPON] : [];
  };

  // ?reach=gmlrs,atacms lists the rings shown from the Kharkiv border, ?reach=none none.
  // Unknown slugs are dropped (the order is the weapons'); absent or naming no known
  // weapon, the default.
  function reachList(text, known) {
    if (text === "none") return [];
    var asked = (text || "").split(",");
    var list = known.map(function (w) { return w.slug; })
      .filter(function (slug) { return asked.indexOf(slug) >= 0; });
    return list.length ? list : PM.defaultReach();
  }

  // The state a URL asks for, with the page defaults for anything missing or malformed.
  PM.readPermalink = function (search) {
    var params = new URLSearchParams(search === undefined ? window.location.search : search);
    var config = PM.config;
    var centre = parsePoint(params.get("c"));
    var zoom = Number(params.get("z") || NaN);
    var date = params.get("date");
    return {
      center: centre || { lat: config.center[0], lon: config.center[1] },
      zoom: Number.isInteger(zoom) ? Math.max(3, Math.min(14, zoom)) : config.zoom,
      date: isDay(date) ? date : config.defaultDate,
      point: parsePoint(params.get("at")),
      weapon: slugOrEmpty(params.get("weapon"), config.weapons),
      target: slugOrEmpty(params.get("target"), config.targets),
      launch: parsePoint(params.get("launch")),
      reach: reachList(params.get("reach"), config.weapons)
    };
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

  // A tolerance in metres (>= 1) to one significant figure, halves up: the ladder the API
  // snaps every simplify value to (mapsite/api/params.py one_figure), so a value from here
  // is asked for and cached as it is.
  PM.oneFigure = function (metres) {
    var magnitude = Math.pow(10, Math.floor(Math.log10(metres)));
    return Math.round(metres / magnitude) * magnitude;
  };

  // Metres per screen pixel at a latitude and zoom, times 1.5, to one significant figure:
  // the zones are asked for no finer than the map draws them.
  PM.simplifyFor = function (lat, zoom) {
    var metresPerPixel = 40075016.7 * Math.cos(lat * Math.PI / 180) / Math.pow(2, zoom + 8);
    return Math.max(10, PM.oneFigure(metresPerPixel * 1.5));
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

  function addHatchPattern(renderer) {
    var svgNS = "http://www.w3.org/2000/svg";
    var svg = renderer._container;
    var defs = document.createElementNS(svgNS, "defs");
    var pattern = document.createElementNS(svgNS, "pattern");
    pattern.setAttribute("id", "pm-hatch-prohibited");
    pattern.setAttribute("width", "9");
    pattern.setAttribute("height", "9");
    pattern.setAttribute("patternUnits", "userSpaceOnUse");
    pattern.setAttribute("patternTransform", "rotate(45)");
    var tint = document.createElementNS(svgNS, "rect");
    tint.setAttribute("width", "9");
    tint.setAttribute("height", "9");
    tint.setAttribute("fill", COLOURS.prohibited);
    tint.setAttribute("fill-opacity", "0.10");
    var stripe = document.createElementNS(svgNS, "line");
    stripe.setAttribute("x1", "0");
    stripe.setAttribute("y1", "0");
    stripe.setAttribute("x2", "0");
    stripe.setAttribute("y2", "9");
    stripe.setAttribute("stroke", COLOURS.prohibited);
    stripe.setAttribute("stroke-width", "2.5");
    stripe.setAttribute("stroke-opacity", "0.55");
    pattern.appendChild(tint);
    pattern.appendChild(stripe);
    defs.appendChild(pattern);
    svg.insertBefore(defs, svg.firstChild);
  }

  function zoneStyle(feature) {
    var status = feature.properties.status;
    var base = { className: "zone zone--" + status, interactive: false };
    if (status === "prohibited") {
      return Object.assign(base, { color: COLOURS.prohibited, weight: 1.2, opacity: 0.9,
        fillColor: "url(#pm-hatch-prohibited)", fillOpacity: 1 });
    }
    if (status === "restricted") {
      return Object.assign(base, { color: COLOURS.restrictedLine, weight: 2, opacity: 1,
        fillColor: COLOURS.restricted, fillOpacity: 0.4 });
    }
    return Object.assign(base, { color: COLOURS.permitted, weight: 1.2, opacity: 0.9,
      fillColor: COLOURS.permitted, fillOpacity: 0.16 });
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
    addHatchPattern(renderer);
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
          style: { color: "#111827", weight: 2.5, dashArray: "7 5", fill: false, className: "zone-changed" } }));
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
      tolerance = tolerance || PM.simplifyFor(map.getCenter().lat, map.getZoom());
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

  // The first view: what the address bar asks for.
  var first = PM.readPermalink();
  var firstTolerance = PM.simplifyFor(first.center.lat, first.zoom);
  var firstUrl = PM.zonesUrl(first.date, firstTolerance);
  PM.prefetched = { url: firstUrl, answer: request(firstUrl) };

  // django-leaflet creates the map while the page is parsed (loadevent=""), and says so.
  window.addEventListener("map:init", function (event) {
    var map = PM.map = event.detail.map;
    map.setView([first.center.lat, first.center.lon], first.zoom, { animate: false });
    PM.zones = createZones(map);
    PM.zonesLoaded = PM.zones.load(first.date, true, firstTolerance);
  }, { once: true });
})();
