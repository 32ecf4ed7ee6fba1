/* The policy map: set up by django-leaflet, which calls window.mapInit. */
window.mapInit = function (map) {
  map.getContainer().dataset.ready = "true";
};
