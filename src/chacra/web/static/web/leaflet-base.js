// What the producer card's and the plot page's maps share: an offline Leaflet map (a satellite
// basemap only when CHACRA_BASEMAP_URL is set), the plots' style, and their area labels.
window.chacraMap = (function () {
  const PERU = [-8.0, -75.5];
  const PLOT_STYLE = { color: "#b5651d", weight: 2, fillColor: "#e3a857", fillOpacity: 0.45 };

  function create(el) {
    const map = L.map(el, { zoomControl: true, attributionControl: false });
    if (el.dataset.basemap) {
      L.tileLayer(el.dataset.basemap, { maxZoom: 19 }).addTo(map);
    }
    return map;
  }

  function point(colour) {
    return (f, latlng) => L.circleMarker(latlng, { radius: 7, color: colour, fillOpacity: 0.7 });
  }

  // Measured area for polygons; the declared area, marked with "~", for GPS points.
  function areaText(p) {
    return p.area_ha ? p.area_ha.toFixed(2) + " ha"
      : p.declared_area_ha ? "~" + p.declared_area_ha.toFixed(2) + " ha" : "";
  }

  function label(layer, text) {
    layer.bindTooltip(text, {
      permanent: true, direction: "top", offset: [0, -8], className: "plot-label",
    });
  }

  function fit(map, layer) {
    const bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 17 });
    } else {
      map.setView(PERU, 6);
    }
  }

  return { PLOT_STYLE, create, point, areaText, label, fit };
})();
