/* The zones layer, in the head with startup.js so that the first view's zones are drawn
   first: the zones of a date, simplified for the zoom, styled by status as the vocabulary
   gives it (fill, outline, the page's hatch), with the areas the version changed outlined. */
(function () {
  "use strict";
  var PM = window.PolicyMap;
  var STATUSES = PM.STATUSES;

  // A status's area fill and outline as the vocabulary gives them; a hatched status is
  // filled with its pattern, defined once in the page (templates/front/index.html).
  function zoneStyle(feature) {
    var slug = feature.properties.status;
    var status = STATUSES[slug] || STATUSES.not_covered;
    return {
      className: "zone zone--" + slug, interactive: false,
      color: status.line, weight: status.line_weight, opacity: status.line_opacity,
      fillColor: status.hatched ? "url(#" + status.hatch_id + ")" : status.fill,
      fillOpacity: status.hatched ? 1 : status.fill_opacity
    };
  }

  // The areas the version drawn (`policy`, a slug) changed, outlined with a dash.
  function highlightChanges(changed, renderer, data, policy) {
    changed.clearLayers();
    if (!policy) return;
    var slugs = {};
    PM.config.changes.forEach(function (change) {
      if (change.policy === policy) slugs[change.zone] = true;
    });
    data.features.forEach(function (feature) {
      if (!slugs[feature.properties.slug || feature.id]) return;
      changed.addLayer(L.geoJSON(feature, { pane: "zones", renderer: renderer, interactive: false,
        style: { color: PM.config.colours.changed, weight: 2.5, dashArray: "7 5", fill: false, className: "zone-changed" } }));
    });
  }

  // The zones layer: loads the zones for a date, simplified for the zoom. The API returns
  // every zone that meets a bbox whole (it filters, it does not clip), so the zones are
  // fetched without one: a policy version has a handful of zones, and identical URLs share
  // the API's cache. They are fetched again only for another date, or when zooming in
  // needs finer detail.
  PM.createZones = function (map) {
    map.createPane("zones").style.zIndex = 400;
    var renderer = L.svg({ pane: "zones", padding: 0.5 });
    map.addLayer(renderer);
    var group = L.layerGroup().addTo(map);
    var changed = L.layerGroup().addTo(map);
    var loaded = null, ticket = 0, firstDrawn = false;

    function draw(data, date, policy) {
      var layer = L.geoJSON(data, { pane: "zones", renderer: renderer, style: zoneStyle });
      group.clearLayers();
      group.addLayer(layer);
      highlightChanges(changed, renderer, data, policy);
      var container = map.getContainer();
      container.setAttribute("data-zones", String(data.features.length));
      container.setAttribute("data-zones-date", date);
      if (!firstDrawn) {
        firstDrawn = true;
        requestAnimationFrame(function () { performance.mark("zones-drawn"); });
      }
    }

    // The zones of `date`, with the areas `policy` (the version in force then) changed.
    function load(date, policy, force, tolerance) {
      tolerance = tolerance || PM.toleranceFor(map.getCenter().lat, map.getZoom());
      if (loaded && loaded.date === date &&
          (loaded.tolerance === tolerance || (!force && loaded.tolerance <= tolerance * 1.5))) {
        return Promise.resolve(false);
      }
      var mine = ++ticket;
      return PM.getJSON(PM.url("zones", { date: date, simplify: tolerance })).then(function (data) {
        if (mine !== ticket) return false;  // a newer request (another date) won
        draw(data, date, policy);
        loaded = { date: date, tolerance: tolerance };
        return true;
      });
    }

    return { group: group, changed: changed, renderer: renderer, load: load };
  };
})();
