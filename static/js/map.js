/* Every map of the portal, initialised from its element's data attributes (portal/maps.py):
   - data-layers: [{name, label, url, icon, visible}], GeoJSON layers fetched from the map's
     cached endpoints, each drawn with its own icon (48 px: large enough to touch) and grouped
     into clusters where markers crowd;
   - data-point: {lat, lng, name, note, icon}, a single place (a project, an event);
   - data-tiles-url / -attribution: the background, optional (none when empty);
   - data-bounds, data-centre, data-zoom: how to frame it when it has no marker.
   Checkboxes [data-map-toggle="<map id>"] show or hide a layer and the list section
   [data-layer-section="<name>"] that says the same in text. A map hidden at first (the phone's
   list view) is drawn when it becomes visible. No inline script, no inline style. */
(function () {
  "use strict";

  var ICON_SIZE = 48;

  function parse(json, fallback) {
    try {
      return json ? JSON.parse(json) : fallback;
    } catch (error) {
      return fallback;
    }
  }

  function numbers(text) {
    var parts = String(text || "").split(",").map(parseFloat);
    return parts.some(isNaN) ? null : parts;
  }

  function icon(url) {
    return L.icon({
      iconUrl: url,
      iconSize: [ICON_SIZE, ICON_SIZE],
      iconAnchor: [ICON_SIZE / 2, ICON_SIZE - 2],
      popupAnchor: [0, -ICON_SIZE + 8]
    });
  }

  function popup(properties) {
    var box = document.createElement("div");
    // A single place (the event's own page) has no page to link to: its name, not a link.
    var title = document.createElement(properties.url ? "a" : "strong");
    if (properties.url) title.href = properties.url;
    title.textContent = properties.name;
    box.appendChild(title);
    (properties.lines || []).forEach(function (line) {
      if (!line) return;
      var node = document.createElement("div");
      node.textContent = line;
      box.appendChild(node);
    });
    if (properties.note) {
      var note = document.createElement("div");
      note.className = "map-popup__note";
      note.textContent = properties.note;
      box.appendChild(note);
    }
    return box;
  }

  function marker(latlng, properties, url) {
    return L.marker(latlng, {
      icon: icon(url),
      title: properties.name,
      alt: properties.name,
      keyboard: true,
      riseOnHover: true
    }).bindPopup(popup(properties));
  }

  function clusterGroup(layerName, label) {
    if (typeof L.markerClusterGroup !== "function") return L.featureGroup();
    return L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 48,
      iconCreateFunction: function (cluster) {
        var count = document.createElement("span");
        count.className = "map-cluster__count";
        count.textContent = String(cluster.getChildCount());
        var text = document.createElement("span");
        text.className = "visually-hidden";
        text.textContent = " " + label;
        var html = document.createElement("span");
        html.appendChild(count);
        html.appendChild(text);
        return L.divIcon({
          html: html.innerHTML,
          className: "map-cluster map-cluster--" + layerName,
          iconSize: L.point(ICON_SIZE, ICON_SIZE)
        });
      }
    });
  }

  function setStatus(container, text) {
    var status = document.querySelector('[data-map-status="' + container.id + '"]');
    if (status) status.textContent = text;
  }

  function draw(container) {
    var layers = parse(container.dataset.layers, []);
    var point = parse(container.dataset.point, null);
    // maxZoom: the clusters need one even when no tile layer sets it.
    // No fading popups or markers: what opens is there at once (no motion to sit through, and
    // nothing half-transparent when it is read or checked).
    var map = L.map(container, {
      scrollWheelZoom: false,
      minZoom: 6,
      maxZoom: 18,
      fadeAnimation: false
    });
    var groups = {};
    var pending = layers.length;

    if (container.dataset.tilesUrl) {
      L.tileLayer(container.dataset.tilesUrl, {
        attribution: container.dataset.tilesAttribution || "",
        maxZoom: 18,
        // OpenStreetMap's tiles are refused without a Referer.
        referrerPolicy: "strict-origin"
      }).addTo(map);
    }

    function frame() {
      var bounds = L.latLngBounds([]);
      Object.keys(groups).forEach(function (name) {
        if (map.hasLayer(groups[name]) && groups[name].getLayers().length) {
          bounds.extend(groups[name].getBounds());
        }
      });
      if (point) bounds.extend([point.lat, point.lng]);
      var centre = numbers(container.dataset.centre);
      var zoom = parseInt(container.dataset.zoom, 10);
      var wallonia = numbers(container.dataset.bounds);
      if (bounds.isValid() && !bounds.getNorthEast().equals(bounds.getSouthWest())) {
        map.fitBounds(bounds, { padding: [30, 30], maxZoom: 12, animate: false });
      } else if (bounds.isValid()) {
        map.setView(bounds.getCenter(), 12, { animate: false });
      } else if (centre) {
        map.setView(centre, isNaN(zoom) ? 9 : zoom, { animate: false });
      } else if (wallonia) {
        map.fitBounds([[wallonia[0], wallonia[1]], [wallonia[2], wallonia[3]]], { animate: false });
      } else {
        map.setView([50.45, 4.85], 8, { animate: false });
      }
    }

    function done() {
      pending -= 1;
      if (pending > 0) return;
      frame();
      container.dataset.ready = "true";
    }

    if (point) {
      marker([point.lat, point.lng], point, point.icon).addTo(map);
      container.dataset.markerCount = "1";
    }

    layers.forEach(function (layer) {
      var group = clusterGroup(layer.name, container.dataset.clusterLabel || "");
      groups[layer.name] = group;
      if (layer.visible) group.addTo(map);
      fetch(layer.url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (collection) {
          var markers = (collection.features || []).map(function (feature) {
            var c = feature.geometry.coordinates;
            return marker([c[1], c[0]], feature.properties, layer.icon);
          });
          if (group.addLayers) group.addLayers(markers);
          else markers.forEach(function (m) { group.addLayer(m); });
          container.setAttribute("data-count-" + layer.name, String(markers.length));
        })
        .catch(function () {
          setStatus(container, container.dataset.error || "");
        })
        .then(done);
    });

    document.querySelectorAll('[data-map-toggle="' + container.id + '"]').forEach(function (box) {
      box.addEventListener("change", function () {
        var group = groups[box.value];
        if (group) {
          if (box.checked) group.addTo(map);
          else map.removeLayer(group);
        }
        document.querySelectorAll('[data-layer-section="' + box.value + '"]').forEach(function (section) {
          section.hidden = !box.checked;
        });
      });
    });
    document.querySelectorAll('[data-map-legend="' + container.id + '"]').forEach(function (legend) {
      legend.hidden = false;
    });

    if (!layers.length) {
      pending = 1;
      done();
    }
    return map;
  }

  function visible(element) {
    return element.getClientRects().length > 0 && element.offsetWidth > 0;
  }

  // Draw each map once it has a size (a hidden map would be framed wrongly), and tell Leaflet
  // when its size changes (the phone's switch between list and map).
  function watch(container) {
    var map = null;
    function check() {
      if (!visible(container)) return;
      if (map) map.invalidateSize();
      else map = draw(container);
    }
    if (typeof ResizeObserver === "function") new ResizeObserver(check).observe(container);
    check();
  }

  // The list/map switch of the map page: links that work without script (?vue=...), turned
  // into an in-page switch.
  function switches() {
    document.querySelectorAll("[data-map-page]").forEach(function (page) {
      page.querySelectorAll("[data-view-switch]").forEach(function (link) {
        link.addEventListener("click", function (event) {
          event.preventDefault();
          var view = link.dataset.viewSwitch;
          page.dataset.view = view;
          page.querySelectorAll("[data-view-switch]").forEach(function (other) {
            if (other === link) other.setAttribute("aria-current", "true");
            else other.removeAttribute("aria-current");
          });
          if (window.history && window.history.replaceState) {
            window.history.replaceState(null, "", link.href);
          }
        });
      });
    });
  }

  function start() {
    if (typeof window.L === "undefined") return;
    switches();
    document.querySelectorAll("[data-map]").forEach(watch);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
