/* Project maps: django-leaflet creates the map and calls portalMapInit(map, options).
   Markers come from a <script type="application/json" id="<map id>-markers"> element, so the
   page needs no inline script of its own; tiles are optional (markers show without them). */
(function () {
  "use strict";

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) node.className = className;
    return node;
  }

  function popup(marker) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = marker.url;
    link.textContent = marker.name;
    box.appendChild(link);
    if (marker.province) box.appendChild(text("div", marker.province));
    if (marker.approximate) box.appendChild(text("div", "Position approximative", "map-popup__note"));
    return box;
  }

  window.portalMapInit = function (map) {
    var container = map.getContainer();
    var wrapper = container.closest("[data-map]");
    var dataNode = document.getElementById(container.id + "-markers");
    var markers = dataNode ? JSON.parse(dataNode.textContent) : [];
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", "Carte des projets");

    var bounds = [];
    markers.forEach(function (m) {
      var point = [m.lat, m.lng];
      L.marker(point, { title: m.name, alt: m.name, keyboard: true })
        .bindPopup(popup(m))
        .addTo(map);
      bounds.push(point);
    });

    var lat = wrapper && parseFloat(wrapper.dataset.centerLat);
    var lng = wrapper && parseFloat(wrapper.dataset.centerLng);
    var zoom = wrapper && parseInt(wrapper.dataset.zoom, 10);
    if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 12, animate: false });
    } else if (bounds.length === 1) {
      map.setView(bounds[0], 11, { animate: false });
    } else if (!isNaN(lat) && !isNaN(lng)) {
      map.setView([lat, lng], isNaN(zoom) ? 9 : zoom, { animate: false });
    }
    container.dataset.markerCount = String(markers.length);
  };
})();
