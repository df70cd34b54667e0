// The producer card's map: plots drawn from the page's own GeoJSON. A satellite basemap is added
// only when CHACRA_BASEMAP_URL is set; offline the plots draw on a plain background.
(function () {
  const el = document.getElementById("plot-map");
  const data = JSON.parse(JSON.parse(document.getElementById("plots-data").textContent));
  const map = L.map(el, { zoomControl: true, attributionControl: false });
  if (el.dataset.basemap) {
    L.tileLayer(el.dataset.basemap, { maxZoom: 19 }).addTo(map);
  }
  const layer = L.geoJSON(data, {
    style: { color: "#b5651d", weight: 2, fillColor: "#e3a857", fillOpacity: 0.45 },
    pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 7, color: "#7a3e0e", fillOpacity: 0.7 }),
    onEachFeature: (f, l) => {
      // Measured area for polygons; the declared area, marked with "~", for GPS points.
      const p = f.properties;
      const area = p.area_ha ? p.area_ha.toFixed(2) + " ha"
        : p.declared_area_ha ? "~" + p.declared_area_ha.toFixed(2) + " ha" : "";
      l.bindTooltip(p.code + (area ? " · " + area : ""), {
        permanent: true, direction: "top", offset: [0, -8], className: "plot-label",
      });
    },
  }).addTo(map);
  if (data.features.length) {
    map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 17 });
  } else {
    map.setView([-8.0, -75.5], 6);
  }
  el.dataset.ready = String(data.features.length);
})();
