/* Place search: an ARIA combobox over the bundled GeoNames gazetteer (/api/places), asked
   as the user types (any name, any script, typos forgiven); the place chosen is shown on
   the map and asked about. */
(function () {
  "use strict";
  var PM = window.PolicyMap;
  var el = PM.el;

  var DEBOUNCE_MS = 150;

  // The combobox's elements and what it shows: `results` are the places listed, `active`
  // the one the arrow keys are on, `lastQuery` the latest asked (only its answer is shown;
  // `pending` aborts the request before it when a newer one starts).
  function createBox(onChoose) {
    return {
      input: document.getElementById("place-search"),
      list: document.getElementById("place-results"),
      status: document.getElementById("place-status"),
      results: [], active: -1, timer: null, lastQuery: "", pending: null, onChoose: onChoose
    };
  }

  function close(box) {
    box.list.hidden = true;
    box.input.setAttribute("aria-expanded", "false");
    box.input.removeAttribute("aria-activedescendant");
    box.active = -1;
  }

  function open(box) {
    box.list.hidden = false;
    box.input.setAttribute("aria-expanded", "true");
  }

  function setActive(box, index) {
    var options = box.list.querySelectorAll("[role=option]");
    if (!options.length) return;
    box.active = (index + options.length) % options.length;
    Array.prototype.forEach.call(options, function (option, i) {
      option.setAttribute("aria-selected", i === box.active ? "true" : "false");
    });
    box.input.setAttribute("aria-activedescendant", options[box.active].id);
    options[box.active].scrollIntoView({ block: "nearest" });
  }

  // "Kharkov → Kharkiv" when another of its names matched; where it lies, so that places
  // of one name (Borova, Kyiv Oblast / Borova, Kharkiv Oblast) are told apart.
  function placeLabel(place) {
    return place.matched && place.matched !== place.name ?
      place.matched + " \u2192 " + place.name : place.name;
  }

  function placeWhere(place) {
    var country = { UA: PM.t("countryUA"), RU: PM.t("countryRU") }[place.country] || place.country;
    return (place.oblast ? place.oblast + ", " + country : country) +
      (place.population ? " \u00B7 " + PM.formatNumber(place.population) : "");
  }

  function placeOption(box, place, i) {
    var option = el("li", { id: "place-option-" + i, role: "option", "aria-selected": "false" }, [
      el("span", { class: "place-name", text: placeLabel(place) }),
      el("span", { class: "place-meta", text: placeWhere(place) })
    ]);
    option.addEventListener("mousedown", function (event) { event.preventDefault(); });
    option.addEventListener("click", function () { choose(box, i); });
    return option;
  }

  function show(box, items, query) {
    box.results = items;
    PM.clear(box.list);
    if (!items.length) {
      box.list.appendChild(el("li", { class: "empty", role: "presentation", text: PM.t("noPlaceCalled", { query: query }) }));
      box.status.textContent = PM.t("noPlaces");
    } else {
      items.forEach(function (place, i) { box.list.appendChild(placeOption(box, place, i)); });
      box.status.textContent = PM.t(items.length === 1 ? "placeFound" : "placesFound", { count: items.length });
    }
    open(box);
    box.active = -1;
  }

  // One GET, aborted when a newer query starts; rejects like PM.getJSON on HTTP errors.
  function fetchPlaces(box, query) {
    if (box.pending) box.pending.abort();
    var controller = window.AbortController ? new AbortController() : null;
    box.pending = controller;
    var url = PM.apiUrl("/api/places?limit=8&q=" + encodeURIComponent(query));
    return fetch(url, { credentials: "same-origin", signal: controller ? controller.signal : undefined })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (body) {
          if (!response.ok) throw new Error((body && body.error) || PM.t("serverAnswered", { status: response.status }));
          return body;
        });
      })
      .finally(function () { if (box.pending === controller) box.pending = null; });
  }

  function search(box, query) {
    box.lastQuery = query;
    return fetchPlaces(box, query).then(function (data) {
      if (query !== box.lastQuery) return;
      var items = Array.isArray(data) ? data : (data && data.results) || [];
      show(box, items, query);
    }).catch(function (error) {
      if (query !== box.lastQuery || error.name === "AbortError") return;
      PM.clear(box.list).appendChild(el("li", { class: "empty", role: "presentation", text: PM.t("searchUnavailable", { error: error.message }) }));
      open(box);
    });
  }

  function choose(box, index) {
    var place = box.results[index];
    if (!place) return;
    box.input.value = place.name;
    close(box);
    box.onChoose(place);
  }

  function onInput(box) {
    var query = box.input.value.trim();
    if (box.timer) clearTimeout(box.timer);
    if (query.length < 2) { close(box); return; }
    box.timer = setTimeout(function () { search(box, query); }, DEBOUNCE_MS);
  }

  // Enter takes the place the arrow keys are on, or the first; before the list has
  // arrived, it searches now and takes the best match.
  function onEnter(box, event, isOpen) {
    var query = box.input.value.trim();
    if (isOpen) {
      event.preventDefault();
      choose(box, box.active >= 0 ? box.active : 0);
    } else if (query.length >= 2) {
      event.preventDefault();
      if (box.timer) clearTimeout(box.timer);
      search(box, query).then(function () { if (box.results.length) choose(box, 0); });
    }
  }

  function onKeydown(box, event) {
    var isOpen = !box.list.hidden && box.results.length;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!isOpen && box.input.value.trim().length >= 2) {
        search(box, box.input.value.trim()).then(function () { setActive(box, 0); });
        return;
      }
      if (isOpen) setActive(box, box.active + 1);
    } else if (event.key === "ArrowUp") {
      if (isOpen) { event.preventDefault(); setActive(box, box.active - 1); }
    } else if (event.key === "Enter") {
      onEnter(box, event, isOpen);
    } else if (event.key === "Escape") {
      if (!box.list.hidden) { event.preventDefault(); close(box); }
      else box.input.value = "";
    }
  }

  PM.initSearch = function (onChoose) {
    var box = createBox(onChoose);
    box.input.addEventListener("input", function () { onInput(box); });
    box.input.addEventListener("keydown", function (event) { onKeydown(box, event); });
    box.input.addEventListener("blur", function () { setTimeout(function () { close(box); }, 150); });
  };

  // A place chosen: the map goes there (at least at the vocabulary's place zoom) and asks.
  PM.setupPlaceSearch = function (map) {
    PM.initSearch(function (place) {
      var point = { lat: place.lat, lon: place.lon };
      map.setView([point.lat, point.lon], Math.max(map.getZoom(), PM.config.zoom.place));
      PM.ask(point, place.name);
    });
  };
})();
