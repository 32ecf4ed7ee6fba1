/* Map layers: outline basemap, zones, borders, oblasts, cities, weapon reach. */
(function () {
  "use strict";
  var PM = window.PolicyMap;

  var COLOURS = PM.config.colours;

  function simplifyFor(map, zoom) {
    return PM.toleranceFor(map.getCenter().lat, zoom);
  }

  function bboxParam(bounds) {
    var clamp = function (v, lo, hi) { return Math.max(lo, Math.min(hi, v)); };
    return [
      clamp(bounds.getWest(), -180, 180).toFixed(3), clamp(bounds.getSouth(), -90, 90).toFixed(3),
      clamp(bounds.getEast(), -180, 180).toFixed(3), clamp(bounds.getNorth(), -90, 90).toFixed(3)
    ].join(",");
  }
  PM.bboxParam = bboxParam;

  function textNode(className, text) {
    return PM.el("span", { class: className, text: text });
  }

  PM.createLayers = function (map) {
    [["basemap", 150], ["oblasts", 410], ["borders", 420], ["reach", 430], ["places", 450]]
      .forEach(function (pair) { map.createPane(pair[0]).style.zIndex = pair[1]; });
    map.getPane("basemap").style.pointerEvents = "none";

    var layers = {
      // Land in one colour, outlined in the same colour: the wide outline closes the gaps
      // a coarse outline leaves along the borders; the zones above draw the exact lines.
      basemap: L.geoJSON(null, {
        pane: "basemap", interactive: false,
        style: { color: COLOURS.land, weight: 12, lineJoin: "round", fillColor: COLOURS.land, fillOpacity: 1 }
      }).addTo(map),
      zones: PM.zones.group,
      changed: PM.zones.changed,
      oblasts: L.geoJSON(null, {
        pane: "oblasts", interactive: false,
        style: { color: COLOURS.oblast, weight: 1, opacity: 0.9, dashArray: "4 3", fill: false },
        onEachFeature: function (feature, layer) {
          layer.bindTooltip(textNode("", feature.properties.name), {
            permanent: true, direction: "center", className: "oblast-label", interactive: false
          });
        }
      }).addTo(map),
      border: L.geoJSON(null, {
        pane: "borders", interactive: false, style: { color: COLOURS.border, weight: 2, opacity: 0.9 }
      }).addTo(map),
      segment: L.layerGroup().addTo(map),
      places: L.layerGroup().addTo(map),
      reach: {},
      launch: L.layerGroup().addTo(map),
      selection: L.layerGroup().addTo(map)
    };

    var state = { placeMarkers: [] };

    // Reference layers: fetched once, at a detail suited to the first view.
    function loadReference() {
      var tolerance = simplifyFor(map, map.getZoom());
      PM.getJSON("/api/layers/oblasts.geojson?simplify=" + Math.max(tolerance, 300)).then(function (data) {
        layers.oblasts.addData(data);
      }).catch(function () {});
      PM.getJSON("/api/layers/border.geojson?simplify=" + Math.min(tolerance, 200)).then(function (data) {
        layers.border.addData(data);
      }).catch(function () {});
      PM.getJSON("/api/layers/kharkiv-segment.geojson").then(function (data) {
        L.geoJSON(data, { pane: "borders", interactive: false, style: { color: COLOURS["border-halo"], weight: 9, opacity: 0.85 } })
          .addTo(layers.segment);
        L.geoJSON(data, { pane: "borders", interactive: false,
          style: { color: COLOURS.segment, weight: 5, opacity: 1, className: "kharkiv-segment" } }).addTo(layers.segment);
      }).catch(function () {});
    }

    // The outline basemap (land over a sea-coloured background), drawn under the tiles.
    // Online tiles hide it, so it is fetched only once they fail or are switched off;
    // the zones above it carry the detail, so it can be coarse.
    var basemapRequested = false;
    function showOutlineBasemap() {
      if (basemapRequested) return;
      basemapRequested = true;
      // Coarse, at least 2 km, and on the API's ladder.
      var tolerance = PM.ladderStep(Math.max(simplifyFor(map, map.getZoom()) * 4, 2000));
      PM.getJSON("/api/layers/countries.geojson?simplify=" + tolerance).then(function (data) {
        layers.basemap.addData(data);
        map.getContainer().setAttribute("data-basemap", "outline");
      }).catch(function () { basemapRequested = false; });
    }

    // Cities: the page carries the largest places; smaller ones appear as you zoom in.
    function minPopulation(zoom) {
      if (zoom <= 5) return 1000000;
      if (zoom === 6) return 400000;
      if (zoom === 7) return 150000;
      if (zoom === 8) return 20000;
      if (zoom === 9) return 15000;
      return 0;
    }
    function createPlaces() {
    PM.config.places.forEach(function (place) {
      var major = place.population >= 300000;
      var marker = L.circleMarker([place.lat, place.lon], {
        pane: "places", interactive: false, radius: major ? 4.5 : 3.2,
        color: COLOURS["border-halo"], weight: 1.5, fillColor: COLOURS.ink, fillOpacity: 1
      });
      marker.bindTooltip(textNode("", place.name), {
        permanent: true, direction: "right", offset: [5, 0], interactive: false,
        className: "place-label" + (major ? " place-label--major" : "")
      });
      state.placeMarkers.push({ population: place.population, marker: marker });
    });
    function updatePlaces() {
      var min = minPopulation(map.getZoom());
      state.placeMarkers.forEach(function (item) {
        var show = item.population >= min;
        if (show && !layers.places.hasLayer(item.marker)) layers.places.addLayer(item.marker);
        if (!show && layers.places.hasLayer(item.marker)) layers.places.removeLayer(item.marker);
      });
      L.DomUtil[map.getZoom() < 7 ? "addClass" : "removeClass"](map.getContainer(), "hide-oblast-labels");
    }
    map.on("zoomend", updatePlaces);
    updatePlaces();
    }

    // Weapon reach rings: from the Kharkiv border segment, or from a launch point.
    // Each weapon its own dash (the legend draws the same ones, in the same order).
    var DASHES = ["10 6", "3 6", "14 4 3 4"];
    function reachLayer(weapon, from) {
      var group = L.layerGroup();
      var index = PM.config.weapons.map(function (w) { return w.slug; }).indexOf(weapon);
      var info = PM.config.weapons[index] || { name: weapon };
      var loaded = false;
      group.on("add", function () {
        if (loaded) return;
        loaded = true;
        var url = "/api/reach.geojson?weapon=" + encodeURIComponent(weapon) +
          (from ? "&lat=" + from.lat.toFixed(5) + "&lon=" + from.lon.toFixed(5) : "");
        PM.getJSON(url).then(function (data) {
          var ring = L.geoJSON(data, { pane: "reach", interactive: false,
            style: { color: COLOURS.reach, weight: 2.2, opacity: 0.95, dashArray: DASHES[index % DASHES.length],
              fill: true, fillColor: COLOURS.reach, fillOpacity: 0.04, className: "reach reach--" + weapon } });
          group.addLayer(ring);
          var bounds = ring.getBounds();
          if (bounds.isValid()) {
            var props = (data.features[0] || {}).properties || {};
            var km = props.range_km || info.range_km;
            var text = (info.name || weapon) + ": " + PM.formatNumber(km) + " km" +
              (from ? " from launch point" : " from the Kharkiv border");
            // The deep-strike band's ring says what it marks, as the legend does.
            if (!from && weapon === PM.config.deepStrikeWeapon) text = PM.reachLabel(info);
            group.addLayer(L.tooltip({ permanent: true, direction: "top",
              className: "reach-label" + (from ? "" : " reach-label--" + weapon), pane: "tooltipPane" })
              .setLatLng([bounds.getNorth(), bounds.getCenter().lng])
              .setContent(textNode("", text)));
          }
        }).catch(function (error) {
          loaded = false;
          PM.showLaunchError && PM.showLaunchError(error);
        });
      });
      return group;
    }
    PM.config.weapons.forEach(function (weapon) {
      layers.reach[weapon.slug] = reachLayer(weapon.slug, null);
    });

    function setLaunch(point) {
      layers.launch.clearLayers();
      if (!point) return;
      PM.config.weapons.forEach(function (weapon) {
        layers.launch.addLayer(reachLayer(weapon.slug, point));
      });
      layers.launch.addLayer(L.marker([point.lat, point.lon], {
        pane: "places", interactive: false, keyboard: false, title: "Launch point",
        icon: L.divIcon({ className: "launch-marker", iconSize: [18, 18] })
      }));
    }

    function setSelection(point) {
      layers.selection.clearLayers();
      if (!point) return;
      layers.selection.addLayer(L.circleMarker([point.lat, point.lon], {
        pane: "places", interactive: false, radius: 9, color: COLOURS.selection, weight: 3,
        fillColor: COLOURS["selection-fill"], fillOpacity: 1, className: "selected-point"
      }));
      layers.selection.addLayer(L.circleMarker([point.lat, point.lon], {
        pane: "places", interactive: false, radius: 3, stroke: false, fillColor: COLOURS.selection, fillOpacity: 1
      }));
    }

    // Everything but the zones waits until the zones are drawn (or could not be).
    var extrasAdded = false;
    function addExtras() {
      if (extrasAdded) return;
      extrasAdded = true;
      loadReference();
      createPlaces();
    }

    return {
      addExtras: addExtras,
      layers: layers,
      loadZones: PM.zones.load,
      showOutlineBasemap: showOutlineBasemap,
      setLaunch: setLaunch,
      setSelection: setSelection
    };
  };
})();
