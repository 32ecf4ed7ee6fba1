/* The policy map: wires the map, the panel and the address bar together.
   django-leaflet creates the map while the page is parsed; startup.js has started on the
   zones by then, and PM.start picks up from there once the page is complete. */
(function () {
  "use strict";
  var PM = window.PolicyMap;
  var el = PM.el;
  var config = PM.config;
  var state = PM.state = Object.assign({}, config.view);

  var $ = function (id) { return document.getElementById(id); };
  var panel = $("panel");
  var narrow = window.matchMedia("(max-width: 760px)");

  function showPolicy() {
    var policy = PM.policyOn(state.date);
    var radios = Array.prototype.slice.call(document.querySelectorAll("#policy-switch input[type=radio]"));
    radios.forEach(function (radio) {
      radio.checked = !!policy && radio.getAttribute("data-policy") === policy.slug;
    });

    if (policy) {
      $("policy-title").textContent = policy.title + ".";
      $("policy-summary-text").textContent = policy.summary;
      $("policy-summary-panel").textContent = policy.summary;
    }
    Array.prototype.forEach.call(document.querySelectorAll("#zones-table tbody tr"), function (row) {
      row.hidden = !policy || row.getAttribute("data-policy") !== policy.slug;
    });

    var note = PM.clear($("change-note"));
    var here = config.changes.filter(function (c) { return policy && c.policy === policy.slug; });
    var index = policy ? config.policies.indexOf(policy) : -1;
    var next = config.policies[index + 1];
    var ahead = next ? config.changes.filter(function (c) { return c.policy === next.slug; }) : [];
    if (here.length) {
      here.forEach(function (change, i) {
        if (i) note.appendChild(el("br"));
        note.appendChild(el("strong", { text: "Dashed outline: " }));
        note.appendChild(document.createTextNode("this area (\u201C" + change.name + "\u201D) changed from " +
          change.from_label.toLowerCase() + " to " + change.to_label.toLowerCase() + " on " +
          PM.formatDate(change.date) + "."));
      });
      note.hidden = false;
    } else if (ahead.length) {
      note.appendChild(document.createTextNode("On " + PM.formatDate(next.effective_from) + ", " +
        ahead.map(function (c) {
          return "the area \u201C" + c.name + "\u201D changed from " + c.from_label.toLowerCase() + " to " + c.to_label.toLowerCase();
        }).join("; ") + ". "));
      var button = el("button", { type: "button", class: "link-button", text: "Show that version" });
      button.addEventListener("click", function () { PM.setDate(next.date); });
      note.appendChild(button);
      note.hidden = false;
    } else {
      note.hidden = true;
    }
  }

  PM.start = function (map) {
    var container = map.getContainer();
    container.setAttribute("aria-label", "Policy map. Arrow keys pan, plus and minus zoom, Enter asks about the map centre.");
    container.setAttribute("aria-describedby", "map-help");
    container.setAttribute("role", "application");

    var view = PM.createLayers(map);
    var layers = view.layers;
    var reachLive = false;  // the reach rings are on the map (after the zones are drawn)
    function zonesFailed(error) {
      $("zones-note").hidden = false;
      $("zones-note").textContent = "The policy zones could not be loaded: " + error.message;
    }
    function loadZones(force) {
      return view.loadZones(state.date, force).catch(zonesFailed);
    }
    // The zones first (startup.js asked for them); the tiles, the other layers and the layer
    // control once they are drawn.
    PM.zonesLoaded.catch(zonesFailed).then(function () { setTimeout(addBackground, 0); });

    // Online tiles, with the bundled outline basemap underneath for when they fail.
    var tiles = L.tileLayer(config.tileUrl, {
      attribution: config.tileAttribution,
      referrerPolicy: "strict-origin-when-cross-origin",
      maxZoom: 19,
      detectRetina: false
    });
    var tilesLoaded = 0;
    tiles.on("tileload", function () { tilesLoaded++; $("tile-note").hidden = true; });
    tiles.on("tileerror", function () {
      if (!tilesLoaded) {
        $("tile-note").hidden = false;
        container.classList.add("tiles-unavailable");
        view.showOutlineBasemap();
      }
    });
    var outlineOnly = L.layerGroup();
    outlineOnly.on("add", function () { view.showOutlineBasemap(); });

    function addBackground() {
      tiles.addTo(map);
      // Tiles that neither load nor fail (a stalled network) also bring the outline basemap.
      setTimeout(function () { if (!tilesLoaded) view.showOutlineBasemap(); }, 4000);
      var overlays = {
        "Policy zones": layers.zones,
        "Changed area outline": layers.changed,
        "Ukraine\u2013Russia border": layers.border,
        "Kharkiv Oblast border segment": layers.segment,
        "Oblasts": layers.oblasts,
        "Cities": layers.places
      };
      config.weapons.forEach(function (weapon) {
        overlays[PM.reachLabel(weapon)] = layers.reach[weapon.slug];
      });
      overlays["Launch point reach"] = layers.launch;
      L.control.layers({ "OpenStreetMap tiles": tiles, "Outline basemap only": outlineOnly }, overlays, {
        collapsed: true, position: "topright"
      }).addTo(map);
      view.addExtras();
      // The reach rings the view asks for (by default the deep-strike band's), after the
      // zones like every other layer: each is one small request.
      reachLive = true;
      state.reach.slice().forEach(function (slug) { map.addLayer(layers.reach[slug]); });
      container.setAttribute("data-ready", "true");
    }
    if (narrow.matches) $("legend").open = false;

    // The legend names the deep-strike band's ring as the layer control and the map do.
    config.weapons.forEach(function (weapon, index) {
      if (weapon.slug !== PM.config.deepStrikeWeapon) return;
      var swatch = document.querySelector("#legend .line--reach-" + index);
      var text = swatch && swatch.nextElementSibling;
      if (!text) return;
      text.textContent = PM.reachLabel(weapon);
      swatch.parentNode.classList.add("legend-deep-strike");
    });

    function updateLinks() {
      var bounds = map.getBounds();
      $("download-link").href = "/api/zones.geojson?date=" + encodeURIComponent(state.date) +
        "&bbox=" + PM.bboxParam(bounds) + "&download=1";
      PM.writePermalink(state);
    }

    // Verdicts.
    function round5(value) { return Math.round(value * 1e5) / 1e5; }
    function ask(point, label) {
      // The point as the address bar keeps it, so a permalink asks exactly the same.
      state.point = { lat: round5(point.lat), lon: round5(point.lon) };
      state.label = label || null;
      view.setSelection(state.point);
      updateLinks();
      showLaunchInfo();
      return PM.askVerdict({ point: state.point, weapon: state.weapon, target: state.target, date: state.date, label: state.label })
        .then(function (data) {
          if (data) showVerdictSection();
          return data;
        });
    }
    PM.ask = ask;
    // Bring the verdict into the panel's view when it is below the fold (or on a phone's sheet).
    function showVerdictSection() {
      var section = $("verdict");
      var top = section.offsetTop - (narrow.matches ? $("sheet-toggle").offsetHeight : 0);
      var visibleBottom = panel.scrollTop + panel.clientHeight;
      if (narrow.matches || section.offsetTop + 140 > visibleBottom || section.offsetTop < panel.scrollTop) {
        panel.scrollTo({ top: top, behavior: "auto" });
      }
    }
    function reask() { if (state.point) ask(state.point, state.label); }

    // Launch point and its reach.
    var launchMode = false;
    function setLaunchMode(on) {
      launchMode = on;
      $("drop-launch").setAttribute("aria-pressed", on ? "true" : "false");
      $("mode-note").hidden = !on;
      container.classList.toggle("mode-launch", on);
    }
    function showLaunchInfo(message) {
      var box = PM.clear($("launch-body"));
      if (message) {
        box.appendChild(el("p", { class: "verdict-error", role: "alert", text: message }));
        box.hidden = false;
        return;
      }
      if (!state.launch) { box.hidden = true; return; }
      box.appendChild(el("p", {}, [el("strong", { text: "Launch point: " }), PM.formatLatLng(state.launch.lat, state.launch.lon)]));
      var ranges = config.weapons.map(function (w) { return w.name + " " + PM.formatNumber(w.range_km) + " km"; });
      box.appendChild(el("p", { text: "Reach rings drawn for " + ranges.join(" and ") + " (assumed ranges)." }));
      if (state.point) {
        var km = PM.distanceKm(state.launch, state.point);
        var within = config.weapons.filter(function (w) { return km <= w.range_km; }).map(function (w) { return w.name; });
        box.appendChild(el("p", { text: "The chosen point is " + PM.formatNumber(km, 1) + " km away: " +
          (within.length ? "within reach of " + within.join(" and ") : "beyond the reach of every weapon shown") + "." }));
      }
      box.hidden = false;
    }
    PM.showLaunchError = function (error) { showLaunchInfo("Could not draw the weapon reach: " + error.message); };
    function dropLaunch(point) {
      setLaunchMode(false);
      // Launch points belong in Ukraine: check with the verdict service first.
      return PM.getJSON("/api/verdict?lat=" + point.lat.toFixed(5) + "&lon=" + point.lon.toFixed(5) +
        "&date=" + encodeURIComponent(state.date)).then(function (data) {
        if (!data.zone || data.zone.kind !== "ukraine") {
          showLaunchInfo("A launch point must be in Ukraine; that point is " +
            (data.zone ? "in " + data.zone.name : "outside Ukraine and Russia") + ".");
          return;
        }
        setLaunch(point);
      }).catch(function (error) { showLaunchInfo("Could not check the launch point: " + error.message); });
    }
    function setLaunch(point) {
      state.launch = point ? { lat: point.lat, lon: point.lon } : null;
      view.setLaunch(state.launch);
      $("clear-launch").hidden = !state.launch;
      showLaunchInfo();
      updateLinks();
    }

    map.on("click", function (event) {
      var point = { lat: event.latlng.lat, lon: event.latlng.lng };
      if (launchMode) dropLaunch(point);
      else ask(point);
    });
    // Mark the map centre only for keyboard users (Leaflet also focuses the map on click).
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
        var point = { lat: centre.lat, lon: centre.lng };
        if (launchMode) dropLaunch(point);
        else ask(point);
      } else if (event.key === "Escape" && launchMode) {
        setLaunchMode(false);
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && launchMode) setLaunchMode(false);
    });

    map.on("moveend", function () {
      var centre = map.getCenter();
      state.center = { lat: centre.lat, lon: centre.lng };
      state.zoom = map.getZoom();
      loadZones(false);
      updateLinks();
    });

    // Panel controls.
    var weaponSelect = $("weapon-select"), targetSelect = $("target-select");
    weaponSelect.value = state.weapon;
    targetSelect.value = state.target;
    weaponSelect.addEventListener("change", function () { state.weapon = weaponSelect.value; updateLinks(); reask(); });
    targetSelect.addEventListener("change", function () { state.target = targetSelect.value; updateLinks(); reask(); });
    function setDate(date) {
      state.date = date;
      showPolicy();
      loadZones(true);
      updateLinks();
      reask();
    }
    PM.setDate = setDate;
    Array.prototype.forEach.call(document.querySelectorAll("#policy-switch input[type=radio]"), function (radio) {
      radio.addEventListener("change", function () { if (radio.checked) setDate(radio.value); });
    });
    $("ask-centre").addEventListener("click", function () {
      var centre = map.getCenter();
      ask({ lat: centre.lat, lon: centre.lng });
    });
    $("drop-launch").addEventListener("click", function () { setLaunchMode(!launchMode); });
    $("clear-launch").addEventListener("click", function () { setLaunch(null); $("drop-launch").focus(); });
    $("copy-link").addEventListener("click", function () {
      var url = PM.permalinkNow(state);
      var status = $("copy-status");
      var done = function () { status.textContent = "Link copied. It opens this view, date, point, weapon and target."; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(done, function () { status.textContent = url; });
      } else {
        status.textContent = url;
      }
    });
    $("sheet-toggle").addEventListener("click", function () {
      var expanded = panel.parentNode.classList.toggle("sheet-expanded");
      this.setAttribute("aria-expanded", expanded ? "true" : "false");
      this.querySelector(".sheet-toggle-text").textContent = expanded ? "Collapse panel" : "Expand panel";
      setTimeout(function () { map.invalidateSize(); }, 250);
    });

    // Reach from the Kharkiv border: the panel's checkboxes, the layer control and the
    // address bar agree. Until the rings are added (after the zones), the boxes show and
    // change what will be added.
    var reachBoxes = Array.prototype.slice.call(document.querySelectorAll("#reach-switch input"));
    function reachChanged() {
      state.reach = reachLive
        ? config.weapons.map(function (w) { return w.slug; }).filter(function (slug) { return map.hasLayer(layers.reach[slug]); })
        : reachBoxes.filter(function (box) { return box.checked && layers.reach[box.value]; })
          .map(function (box) { return box.value; });
      updateLinks();
    }
    reachBoxes.forEach(function (box) {
      var layer = layers.reach[box.value];
      if (!layer) return;
      box.checked = state.reach.indexOf(box.value) >= 0;
      box.addEventListener("change", function () {
        if (!reachLive) { reachChanged(); return; }
        if (box.checked) map.addLayer(layer);
        else map.removeLayer(layer);
      });
      layer.on("add remove", function () {
        box.checked = map.hasLayer(layer);
        reachChanged();
      });
    });

    PM.initSearch(function (place) {
      var point = { lat: place.lat, lon: place.lon };
      map.setView([point.lat, point.lon], Math.max(map.getZoom(), 9));
      ask(point, place.name);
    });

    // First view: everything the address bar asked for.
    showPolicy();
    if (state.launch) setLaunch(state.launch);
    if (state.point) ask(state.point);
    updateLinks();
  };

  if (PM.map) PM.start(PM.map);
  else window.addEventListener("map:init", function (event) { PM.start(event.detail.map); }, { once: true });
})();
