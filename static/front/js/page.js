/* The page's wiring: once the page is complete, PM.start sets up each feature on the map
   django-leaflet created (startup.js has started on the zones by then): the background
   and layer control after the zones, pointer and keyboard, the panel's controls, and the
   first view the address bar asked for. The last of the page's scripts. */
(function () {
  "use strict";
  var PM = window.PolicyMap;
  var config = PM.config;
  var $ = PM.byId;
  PM.state = Object.assign({}, config.view);

  function zonesFailed(error) {
    $("zones-note").hidden = false;
    $("zones-note").textContent = PM.t("zonesFailed", { error: error.message });
  }

  // The zones for the date shown, at the detail the view needs (again if `force`).
  PM.loadZones = function (force) {
    return PM.view.loadZones(PM.state.date, PM.state.policy, force).catch(zonesFailed);
  };

  function describeMap(container) {
    container.setAttribute("aria-label", PM.t("mapLabel"));
    container.setAttribute("aria-describedby", "map-help");
    container.setAttribute("role", "application");
  }

  // The "tiles unavailable" note, once closed, stays closed for the session.
  var TILE_NOTE_KEY = "mapsite:tile-note-dismissed";
  function tileNoteDismissed() {
    try { return window.sessionStorage.getItem(TILE_NOTE_KEY) === "1"; } catch (e) { return false; }
  }
  function rememberTileNote() {
    $("tile-note").querySelector(".note-close").addEventListener("click", function () {
      try { window.sessionStorage.setItem(TILE_NOTE_KEY, "1"); } catch (e) { /* not kept */ }
    });
  }

  // Online tiles, with the bundled outline basemap underneath for when they fail. Tiles
  // that fail with none loaded, or neither load nor fail within 4 s (a stalled network),
  // are taken off the map, so that panning asks for no more of them, and the outline
  // basemap is chosen in their place (with its own credit, config.outlineAttribution); the
  // layer control still offers them, and choosing them again tries them once more.
  function createTiles(map, outline) {
    var container = map.getContainer();
    var layer = L.tileLayer(config.tileUrl, {
      attribution: config.tileAttribution,
      referrerPolicy: "strict-origin-when-cross-origin",
      maxZoom: config.maxZoom,
      detectRetina: false
    });
    var loaded = 0;
    var stall = null;
    function giveUp() {
      if (loaded || !map.hasLayer(layer)) return;
      $("tile-note").hidden = tileNoteDismissed();
      container.classList.add("tiles-unavailable");
      map.removeLayer(layer);
      outline.addTo(map);
    }
    layer.on("tileload", function () { loaded++; $("tile-note").hidden = true; });
    layer.on("tileerror", giveUp);
    layer.on("add", function () { stall = setTimeout(giveUp, 4000); });
    layer.on("remove", function () { clearTimeout(stall); });
    return { layer: layer, outline: outline };
  }

  // The outline basemap as a choice of the layer control: on the map whenever the tiles
  // are not, crediting the outline's sources instead of the tiles'.
  function outlineChoice(view) {
    var outline = L.layerGroup([], { attribution: config.outlineAttribution });
    outline.on("add", function () { view.showOutlineBasemap(); });
    return outline;
  }

  function addLayerControl(map, tiles, view) {
    var layers = view.layers;
    var overlays = {};
    overlays[PM.t("layerZones")] = layers.zones;
    overlays[PM.t("layerChanged")] = layers.changed;
    overlays[PM.t("layerBorder")] = layers.border;
    overlays[PM.t("layerSegment")] = layers.segment;
    overlays[PM.t("layerOblasts")] = layers.oblasts;
    overlays[PM.t("layerCities")] = layers.places;
    config.weapons.forEach(function (weapon) {
      overlays[weapon.reach_label] = layers.reach[weapon.slug];
    });
    overlays[PM.t("layerLaunch")] = layers.launch;
    var basemaps = {};
    basemaps[PM.t("layerTiles")] = tiles.layer;
    basemaps[PM.t("layerOutline")] = tiles.outline;
    L.control.layers(basemaps, overlays, {
      collapsed: true, position: "topright"
    }).addTo(map);
  }

  // The zones first (startup.js asked for them); the tiles, the other layers and the layer
  // control once they are drawn.
  function setupBackground(map, view) {
    var container = map.getContainer();
    var tiles = createTiles(map, outlineChoice(view));
    // In three tasks, none of them long.
    function addBackground() {
      tiles.layer.addTo(map);
      setTimeout(function () {
        addLayerControl(map, tiles, view);
        view.addExtras();
        PM.setupLabelCollisions(map);
        setTimeout(function () {
          PM.showBorderReach(map, view.layers.reach);
          container.setAttribute("data-ready", "true");
        }, 0);
      }, 0);
    }
    PM.zonesLoaded.catch(zonesFailed).then(function () { setTimeout(addBackground, 0); });
  }

  // A click, a tap or Enter chose a point: a launch point in launch mode, else a question.
  function choosePoint(point) {
    if (PM.launchArmed()) PM.dropLaunch(point);
    else PM.ask(point);
  }

  // Arrow keys pan and +/- zoom (Leaflet's); Enter or space chooses the map centre.
  // The centre is marked only for keyboard users (Leaflet also focuses the map on click).
  function setupKeyboard(map, container) {
    container.addEventListener("keyup", function (event) {
      if (event.key === "Tab") container.classList.add("keyboard-focus");
    });
    container.addEventListener("pointerdown", function () { container.classList.remove("keyboard-focus"); });
    container.addEventListener("blur", function () { container.classList.remove("keyboard-focus"); });
    container.addEventListener("keydown", function (event) {
      if (event.target !== container) return;
      container.classList.add("keyboard-focus");
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        var centre = map.getCenter();
        choosePoint({ lat: centre.lat, lon: centre.lng });
      } else if (event.key === "Escape" && PM.launchArmed()) {
        PM.setLaunchMode(false);
      }
    });
  }

  function setupMap(map) {
    var state = PM.state;
    map.on("click", function (event) {
      choosePoint({ lat: event.latlng.lat, lon: event.latlng.lng });
    });
    setupKeyboard(map, map.getContainer());
    map.on("moveend", function () {
      var centre = map.getCenter();
      state.center = { lat: centre.lat, lon: centre.lng };
      state.zoom = map.getZoom();
      PM.loadZones(false);
      PM.updateLinks();
    });
  }

  // The chosen point, panned into the map's middle once the map has been resized.
  function keepPointInView(map) {
    var point = PM.state.point;
    map.invalidateSize({ animate: false });
    if (point) map.panTo([point.lat, point.lon], { animate: false });
  }

  // On a phone the panel is a sheet under the map; the legend starts closed (narrow.css
  // hides its list until legend--set, so closing it moves nothing on screen). Expanding
  // the sheet leaves a strip of map above it: the chosen point is kept in that strip.
  function setupPhoneLayout(map) {
    if (PM.narrow.matches) $("legend").open = false;
    $("legend").classList.add("legend--set");
    $("sheet-toggle").addEventListener("click", function () {
      var expanded = $("panel").parentNode.classList.toggle("sheet-expanded");
      this.setAttribute("aria-expanded", expanded ? "true" : "false");
      this.querySelector(".sheet-toggle-text").textContent = PM.t(expanded ? "panelCollapse" : "panelExpand");
      setTimeout(function () { keepPointInView(map); }, 250);
    });
  }

  // First view: everything the address bar asked for.
  function showFirstView() {
    var state = PM.state;
    PM.showPolicy();
    if (state.launch) PM.setLaunch(state.launch);
    if (state.point) PM.ask(state.point);
    PM.updateLinks();
  }

  // The set-up in a few steps, each its own task, so that none blocks the page for long.
  PM.start = function (map) {
    var view;
    var steps = [
      function () {
        describeMap(map.getContainer());
        view = PM.view = PM.createLayers(map);
      },
      function () {
        setupBackground(map, view);
        setupPhoneLayout(map);
        setupMap(map);
      },
      function () {
        PM.setupVerdictPanel(map);
        PM.setupPolicySwitch();
        PM.setupLaunchPoint();
        PM.setupCopyLink();
        PM.setupReachSwitch(map, view.layers.reach);
      },
      function () {
        PM.setupPlaceSearch(map);
        PM.setupEmbedCode();
        PM.setupDismissableNotes();
        rememberTileNote();
        PM.setupPrinting(map);
      },
      showFirstView
    ];
    (function next() {
      steps.shift()();
      if (steps.length) setTimeout(next, 0);
    })();
  };

  if (PM.map) PM.start(PM.map);
  else window.addEventListener("map:init", function (event) { PM.start(event.detail.map); }, { once: true });
})();
