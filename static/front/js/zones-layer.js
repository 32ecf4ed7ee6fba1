/* The zones layer, in the head with startup.js so that the first view's zones are drawn
   first: the zones of a date, simplified for the zoom, styled by status as the vocabulary
   gives it (fill, outline, the page's hatch), with the areas the version changed outlined.
   A version the server lists as tiled (config.tiles.tiled: fromZones zones or more) is drawn from vector tiles
   (/tiles/zones/{z}/{x}/{y}.mvt, with the vendored Leaflet.VectorGrid) instead of its
   whole GeoJSON. */
(function () {
  "use strict";
  var PM = window.PolicyMap;
  var STATUSES = PM.STATUSES;
  var TILES = PM.config.tiles || null;

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

  // The dashed outline of an area the version drawn changed.
  var CHANGED_STYLE = { color: PM.config.colours.changed, weight: 2.5, dashArray: "7 5", fill: false,
    className: "zone-changed", interactive: false };

  // The slugs of the zones the version `policy` (a slug) changed.
  function changedSlugs(policy) {
    var slugs = {};
    PM.config.changes.forEach(function (change) {
      if (policy && change.policy === policy) slugs[change.zone] = true;
    });
    return slugs;
  }

  // The areas the version drawn (`policy`, a slug) changed, outlined with a dash.
  function highlightChanges(changed, renderer, data, policy) {
    changed.clearLayers();
    var slugs = changedSlugs(policy);
    data.features.forEach(function (feature) {
      if (!slugs[feature.properties.slug || feature.id]) return;
      changed.addLayer(L.geoJSON(feature, { pane: "zones", renderer: renderer, interactive: false,
        style: CHANGED_STYLE }));
    });
  }

  // Whether the version `policy` has zones enough to be drawn from tiles.
  function drawnFromTiles(policy) {
    return !!(TILES && policy && TILES.tiled.indexOf(policy) !== -1);
  }

  // The vector tile plugin, loaded the first time a version needs it.
  var plugin = null;
  function tilePlugin() {
    if (L.vectorGrid) return Promise.resolve();
    if (!plugin) {
      plugin = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = TILES.plugin;
        script.onload = resolve;
        script.onerror = function () {
          plugin = null;
          reject(new Error(PM.t("vectorTilesFailed")));
        };
        document.head.appendChild(script);
      });
    }
    return plugin;
  }

  // A grid of the zones of `date` from the tiles, each feature styled by `style`.
  function zoneTiles(date, style) {
    var styles = {};
    styles[TILES.layer] = style;
    return L.vectorGrid.protobuf(TILES.url.replace("{date}", encodeURIComponent(date)), {
      pane: "zones", interactive: false, rendererFactory: L.svg.tile,
      minZoom: TILES.minZoom, maxNativeZoom: TILES.maxZoom, vectorTileLayerStyles: styles
    });
  }

  // Whether zones cut to `box` ([west, south, east, north]; null: not cut) cover the view.
  function covers(map, box) {
    if (!box) return true;
    var view = map.getBounds();
    return view.getWest() >= box[0] && view.getSouth() >= box[1] &&
      view.getEast() <= box[2] && view.getNorth() <= box[3];
  }

  // The zones layer: loads the zones for a date, simplified for the zoom. The first view's
  // zones (config.firstZones) are cut to a box around it (the server's first_view_box), so
  // the first view carries only what is near it; once the view leaves that box, and for any
  // other date, the whole zones are fetched (a policy version has a handful of zones, and
  // identical URLs share the API's cache). They are fetched again only for another date,
  // when the view leaves the box, or when zooming in needs finer detail.
  PM.createZones = function (map) {
    map.createPane("zones").style.zIndex = 400;
    var renderer = L.svg({ pane: "zones", padding: 0.5 });
    map.addLayer(renderer);
    var group = L.layerGroup().addTo(map);
    var changed = L.layerGroup().addTo(map);
    var loaded = null, ticket = 0, firstDrawn = false;

    function drawn(count, date, source) {
      var container = map.getContainer();
      container.setAttribute("data-zones", String(count));
      container.setAttribute("data-zones-date", date);
      container.setAttribute("data-zones-from", source);
      if (!firstDrawn) {
        firstDrawn = true;
        requestAnimationFrame(function () { performance.mark("zones-drawn"); });
      }
    }

    function draw(data, date, policy) {
      var layer = L.geoJSON(data, { pane: "zones", renderer: renderer, style: zoneStyle });
      group.clearLayers();
      group.addLayer(layer);
      highlightChanges(changed, renderer, data, policy);
      drawn(data.features.length, date, "geojson");
    }

    // The zones of `date` from the tiles (which follow the zoom themselves); resolves once
    // the tiles in view are drawn. The changed areas' outlines are a grid of their own.
    function drawTiles(date, policy) {
      var slugs = changedSlugs(policy);
      var grid = zoneTiles(date, function (properties) {
        return L.extend({ fill: true }, zoneStyle({ properties: properties }));
      });
      group.clearLayers();
      group.addLayer(grid);
      changed.clearLayers();
      if (Object.keys(slugs).length) {
        changed.addLayer(zoneTiles(date, function (properties) {
          return slugs[properties.slug] ? CHANGED_STYLE : [];
        }));
      }
      return new Promise(function (resolve) {
        grid.once("load", function () {
          drawn(TILES.zones[policy], date, "tiles");
          resolve();
        });
      });
    }

    // The zones of `date` from the tiles: loaded again only for another date.
    function loadTiles(date, policy) {
      if (loaded && loaded.date === date && loaded.tiles) return Promise.resolve(false);
      var mine = ++ticket;
      return tilePlugin().then(function () {
        if (mine !== ticket) return false;  // a newer request (another date) won
        loaded = { date: date, tiles: true };
        return drawTiles(date, policy).then(function () { return true; });
      });
    }

    // The zones of `date`, with the areas `policy` changed; `first`: config.firstZones.
    function load(date, policy, force, first) {
      if (drawnFromTiles(policy)) return loadTiles(date, policy);
      var tolerance = first ? first.tolerance : PM.toleranceFor(map.getCenter().lat, map.getZoom());
      if (loaded && loaded.date === date && !loaded.tiles && covers(map, loaded.box) &&
          (loaded.tolerance === tolerance || (!force && loaded.tolerance <= tolerance * 1.5))) {
        return Promise.resolve(false);
      }
      var mine = ++ticket;
      return PM.getJSON(first ? first.url : PM.url("zones", { date: date, simplify: tolerance })).then(function (data) {
        if (mine !== ticket) return false;  // a newer request (another date) won
        draw(data, date, policy);
        loaded = { date: date, tolerance: tolerance, box: first ? first.box : null };
        return true;
      });
    }

    return { group: group, changed: changed, renderer: renderer, load: load };
  };
})();
