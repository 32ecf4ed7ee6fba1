/* The map's layers around the zones: the outline basemap (Ukraine and Russia, and the
   neighbouring countries' land), the borders, the Kharkiv segment, oblasts, cities and
   the chosen point; the reach rings come from reach-rings.js and launch-point.js. */
(function () {
  "use strict";
  var PM = window.PolicyMap;

  var COLOURS = PM.config.colours;
  var PANES = [["basemap", 150], ["oblasts", 410], ["borders", 420], ["reach", 430], ["places", 450], ["labels", 640]];

  function label(text) {
    return PM.el("span", { class: "", text: text });
  }

  // A name on the map, placed by CSS alone (map.css): a permanent tooltip measures itself
  // as it is added, a layout each, and a hundred of them blocked the page for long.
  function mapLabel(latlng, text, className) {
    return L.marker(latlng, {
      icon: L.divIcon({ className: "map-label " + className, html: label(text), iconSize: null }),
      pane: "labels", interactive: false, keyboard: false
    });
  }

  function createPanes(map) {
    PANES.forEach(function (pair) { map.createPane(pair[0]).style.zIndex = pair[1]; });
    map.getPane("basemap").style.pointerEvents = "none";
  }

  // Land in one colour, outlined in the same colour: the wide outline closes the gaps
  // a coarse outline leaves along the borders; the zones above draw the exact lines.
  function land(map, colour) {
    return L.geoJSON(null, {
      pane: "basemap", interactive: false,
      style: { color: colour, weight: 12, lineJoin: "round", fillColor: colour, fillOpacity: 1 }
    }).addTo(map);
  }

  function createLayerGroups(map) {
    return {
      basemap: land(map, COLOURS.land),
      // The neighbouring countries, land in a neutral colour (no part of the policy).
      neighbours: land(map, COLOURS["neighbour-land"]),
      zones: PM.zones.group,
      changed: PM.zones.changed,
      oblasts: L.geoJSON(null, {
        pane: "oblasts", interactive: false,
        style: { color: COLOURS.oblast, weight: 1, opacity: 0.9, dashArray: "4 3", fill: false }
      }).addTo(map),
      border: L.geoJSON(null, {
        pane: "borders", interactive: false, style: { color: COLOURS.border, weight: 2, opacity: 0.9 }
      }).addTo(map),
      segment: L.layerGroup().addTo(map),
      places: L.layerGroup().addTo(map),
      reach: PM.createBorderReach(),
      launch: L.layerGroup().addTo(map),
      selection: L.layerGroup().addTo(map)
    };
  }

  // Reference layers: fetched once, at the detail the server chose for the first view.
  function loadReference(map, layers) {
    var urls = PM.config.firstLayers;
    PM.getJSON(urls.oblasts).then(function (data) {
      layers.oblasts.addData(data);
      layers.oblasts.getLayers().forEach(function (layer) {
        var centre = map.hasLayer(layer) ? layer.getCenter() : layer.getBounds().getCenter();
        layers.oblasts.addLayer(mapLabel(centre, layer.feature.properties.name, "oblast-label"));
      });
    }).catch(function () {});
    PM.getJSON(urls.border).then(function (data) {
      layers.border.addData(data);
    }).catch(function () {});
    PM.getJSON(urls["kharkiv-segment"]).then(function (data) {
      L.geoJSON(data, { pane: "borders", interactive: false, style: { color: COLOURS["border-halo"], weight: 9, opacity: 0.85 } })
        .addTo(layers.segment);
      L.geoJSON(data, { pane: "borders", interactive: false,
        style: { color: COLOURS.segment, weight: 5, opacity: 1, className: "kharkiv-segment" } }).addTo(layers.segment);
    }).catch(function () {});
  }

  // The outline basemap (land over a sea-coloured background), drawn under the tiles.
  // Online tiles hide it, so it is fetched only once they fail or are switched off;
  // the zones above it carry the detail, so it is coarse (the server's first-view URL).
  // The neighbours come after Ukraine and Russia and are drawn beneath them, so that
  // these cover the neighbours' coarser edges; without them the outline still shows both.
  function outlineBasemap(map, layers) {
    var requested = false;
    var urls = PM.config.firstLayers;
    return function showOutlineBasemap() {
      if (requested) return;
      requested = true;
      PM.getJSON(urls.countries).then(function (data) {
        layers.basemap.addData(data);
        map.getContainer().setAttribute("data-basemap", "outline");
        return PM.getJSON(urls.neighbours).then(function (other) {
          layers.neighbours.addData(other).bringToBack();
        }, function () {});
      }).catch(function () { requested = false; });
    };
  }

  // Cities: the page carries the largest places; smaller ones appear as you zoom in
  // (config.zoom: the smallest population labelled at each zoom, from the vocabulary).
  var ZOOM = PM.config.zoom;

  function placeMarker(place) {
    var major = place.population >= ZOOM.majorPlacePopulation;
    var marker = L.circleMarker([place.lat, place.lon], {
      pane: "places", interactive: false, radius: major ? 4.5 : 3.2,
      color: COLOURS["border-halo"], weight: 1.5, fillColor: COLOURS.ink, fillOpacity: 1
    });
    var name = mapLabel([place.lat, place.lon], place.name, "place-label" + (major ? " place-label--major" : ""));
    return { population: place.population, marker: L.layerGroup([marker, name]) };
  }

  // The places are made a few at a time, one task each (largest first, as the page lists
  // them), so that making a hundred markers never blocks the page while it starts.
  var PLACES_PER_TASK = 25;

  function createPlaces(map, layers) {
    var markers = [];
    var pending = PM.config.places.slice();
    function updatePlaces() {
      var min = ZOOM.placePopulation[map.getZoom()];
      markers.forEach(function (item) {
        var show = item.population >= min;
        if (show && !layers.places.hasLayer(item.marker)) layers.places.addLayer(item.marker);
        if (!show && layers.places.hasLayer(item.marker)) layers.places.removeLayer(item.marker);
      });
      L.DomUtil[map.getZoom() < ZOOM.oblastLabelsFrom ? "addClass" : "removeClass"](map.getContainer(), "hide-oblast-labels");
    }
    function makeSome() {
      pending.splice(0, PLACES_PER_TASK).forEach(function (place) { markers.push(placeMarker(place)); });
      updatePlaces();
      if (pending.length) setTimeout(makeSome, 0);
      else map.getContainer().setAttribute("data-places", "ready");
    }
    map.on("zoomend", updatePlaces);
    makeSome();
  }

  // The point the verdict panel answers for.
  function selectionMarker(layers) {
    return function setSelection(point) {
      layers.selection.clearLayers();
      if (!point) return;
      layers.selection.addLayer(L.circleMarker([point.lat, point.lon], {
        pane: "places", interactive: false, radius: 9, color: COLOURS.selection, weight: 3,
        fillColor: COLOURS["selection-fill"], fillOpacity: 1, className: "selected-point"
      }));
      layers.selection.addLayer(L.circleMarker([point.lat, point.lon], {
        pane: "places", interactive: false, radius: 3, stroke: false, fillColor: COLOURS.selection, fillOpacity: 1
      }));
    };
  }

  PM.createLayers = function (map) {
    createPanes(map);
    var layers = createLayerGroups(map);
    // Everything but the zones waits until the zones are drawn (or could not be).
    var extrasAdded = false;
    function addExtras() {
      if (extrasAdded) return;
      extrasAdded = true;
      loadReference(map, layers);
      createPlaces(map, layers);
    }
    return {
      addExtras: addExtras,
      layers: layers,
      loadZones: PM.zones.load,
      showOutlineBasemap: outlineBasemap(map, layers),
      setSelection: selectionMarker(layers)
    };
  };
})();
