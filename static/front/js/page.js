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
    $("zones-note").textContent = "The policy zones could not be loaded: " + error.message;
  }

  // The zones for the date shown, at the detail the view needs (again if `force`).
  PM.loadZones = function (force) {
    return PM.view.loadZones(PM.state.date, PM.state.policy, force).catch(zonesFailed);
  };

  function describeMap(container) {
    container.setAttribute("aria-label", "Policy map. Arrow keys pan, plus and minus zoom, Enter asks about the map centre.");
    container.setAttribute("aria-describedby", "map-help");
    container.setAttribute("role", "application");
  }

  // Online tiles, with the bundled outline basemap underneath for when they fail.
  function createTiles(container, view) {
    var layer = L.tileLayer(config.tileUrl, {
      attribution: config.tileAttribution,
      referrerPolicy: "strict-origin-when-cross-origin",
      maxZoom: config.maxZoom,
      detectRetina: false
    });
    var loaded = 0;
    layer.on("tileload", function () { loaded++; $("tile-note").hidden = true; });
    layer.on("tileerror", function () {
      if (!loaded) {
        $("tile-note").hidden = false;
        container.classList.add("tiles-unavailable");
        view.showOutlineBasemap();
      }
    });
    return { layer: layer, anyLoaded: function () { return loaded > 0; } };
  }

  function addLayerControl(map, tiles, view) {
    var layers = view.layers;
    var outlineOnly = L.layerGroup();
    outlineOnly.on("add", function () { view.showOutlineBasemap(); });
    var overlays = {
      "Policy zones": layers.zones,
      "Changed area outline": layers.changed,
      "Ukraine\u2013Russia border": layers.border,
      "Kharkiv Oblast border segment": layers.segment,
      "Oblasts": layers.oblasts,
      "Cities": layers.places
    };
    config.weapons.forEach(function (weapon) {
      overlays[weapon.reach_label] = layers.reach[weapon.slug];
    });
    overlays["Launch point reach"] = layers.launch;
    L.control.layers({ "OpenStreetMap tiles": tiles.layer, "Outline basemap only": outlineOnly }, overlays, {
      collapsed: true, position: "topright"
    }).addTo(map);
  }

  // The zones first (startup.js asked for them); the tiles, the other layers and the layer
  // control once they are drawn.
  function setupBackground(map, view) {
    var container = map.getContainer();
    var tiles = createTiles(container, view);
    function addBackground() {
      tiles.layer.addTo(map);
      // Tiles that neither load nor fail (a stalled network) also bring the outline basemap.
      setTimeout(function () { if (!tiles.anyLoaded()) view.showOutlineBasemap(); }, 4000);
      addLayerControl(map, tiles, view);
      view.addExtras();
      PM.showBorderReach(map, view.layers.reach);
      container.setAttribute("data-ready", "true");
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

  // On a phone the panel is a sheet under the map; the legend starts closed.
  function setupPhoneLayout(map) {
    if (PM.narrow.matches) $("legend").open = false;
    $("sheet-toggle").addEventListener("click", function () {
      var expanded = $("panel").parentNode.classList.toggle("sheet-expanded");
      this.setAttribute("aria-expanded", expanded ? "true" : "false");
      this.querySelector(".sheet-toggle-text").textContent = expanded ? "Collapse panel" : "Expand panel";
      setTimeout(function () { map.invalidateSize(); }, 250);
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

  PM.start = function (map) {
    describeMap(map.getContainer());
    var view = PM.view = PM.createLayers(map);
    setupBackground(map, view);
    setupPhoneLayout(map);
    setupMap(map);
    PM.setupVerdictPanel(map);
    PM.setupPolicySwitch();
    PM.setupLaunchPoint();
    PM.setupCopyLink();
    PM.setupReachSwitch(map, view.layers.reach);
    PM.setupPlaceSearch(map);
    PM.setupEmbedCode();
    PM.setupDismissableNotes();
    PM.setupPrinting(map);
    showFirstView();
  };

  if (PM.map) PM.start(PM.map);
  else window.addEventListener("map:init", function (event) { PM.start(event.detail.map); }, { once: true });
})();
