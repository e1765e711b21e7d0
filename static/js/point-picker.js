/* Point picker for the admin: a small Leaflet map bound to two plain number inputs.
   Clicking the map or dragging the marker writes latitude and longitude (5 decimals) into the
   inputs; typing in the inputs moves the marker. Configuration comes from data-* attributes
   (the Content-Security-Policy forbids inline script); without JavaScript, or without Leaflet,
   the map stays hidden and the inputs work as they are. */
(function () {
  "use strict";

  var DECIMALS = 5;

  function parseCoordinate(value, limit) {
    var text = String(value || "").trim().replace(",", ".");
    if (!/^[-+]?\d+(\.\d*)?$/.test(text)) return null;
    var number = parseFloat(text);
    return Math.abs(number) <= limit ? number : null;
  }

  function parseBounds(value) {
    var parts = String(value || "").split(",").map(parseFloat);
    if (parts.length !== 4 || parts.some(isNaN)) return null;
    return [[parts[0], parts[1]], [parts[2], parts[3]]];
  }

  function init(container) {
    var latInput = document.getElementById(container.dataset.latitudeInput);
    var lngInput = document.getElementById(container.dataset.longitudeInput);
    if (!latInput || !lngInput || typeof window.L === "undefined") return;

    var wrapper = container.closest(".point-picker") || container;
    wrapper.hidden = false;

    var map = L.map(container, { scrollWheelZoom: false });
    if (container.dataset.tilesUrl) {
      L.tileLayer(container.dataset.tilesUrl, {
        attribution: container.dataset.tilesAttribution || "",
        maxZoom: 18,
        referrerPolicy: "strict-origin"
      }).addTo(map);
    }
    var bounds = parseBounds(container.dataset.bounds);
    var marker = null;

    function write(latlng) {
      latInput.value = latlng.lat.toFixed(DECIMALS);
      lngInput.value = latlng.lng.toFixed(DECIMALS);
      // Let other scripts (and the admin's "unsaved changes" logic) see the new values.
      [latInput, lngInput].forEach(function (input) {
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }

    function place(latlng) {
      if (marker) {
        marker.setLatLng(latlng);
        return;
      }
      marker = L.marker(latlng, {
        icon: L.icon({
          iconUrl: container.dataset.markerIcon,
          iconSize: [48, 48],
          iconAnchor: [24, 46]
        }),
        draggable: true,
        keyboard: true,
        title: container.dataset.markerTitle || "",
        alt: container.dataset.markerTitle || ""
      }).addTo(map);
      marker.on("dragend", function () {
        write(marker.getLatLng());
      });
    }

    function readInputs() {
      var lat = parseCoordinate(latInput.value, 90);
      var lng = parseCoordinate(lngInput.value, 180);
      if (lat === null || lng === null) {
        if (marker) {
          map.removeLayer(marker);
          marker = null;
        }
        return null;
      }
      var latlng = L.latLng(lat, lng);
      place(latlng);
      return latlng;
    }

    map.on("click", function (event) {
      place(event.latlng);
      write(event.latlng);
    });
    [latInput, lngInput].forEach(function (input) {
      input.addEventListener("input", function () {
        var latlng = readInputs();
        if (latlng && !map.getBounds().contains(latlng)) map.panTo(latlng);
      });
    });

    var initial = readInputs();
    if (initial) {
      map.setView(initial, 12);
    } else if (bounds) {
      map.fitBounds(bounds);
    } else {
      map.setView([50.45, 4.85], 8);
    }
  }

  function start() {
    document.querySelectorAll("[data-point-picker]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
