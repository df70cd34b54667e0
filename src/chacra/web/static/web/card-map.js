// The producer card's map: plots drawn from the page's own GeoJSON (see leaflet-base.js).
(function () {
  const el = document.getElementById("plot-map");
  const data = JSON.parse(JSON.parse(document.getElementById("plots-data").textContent));
  const map = chacraMap.create(el);
  const layer = L.geoJSON(data, {
    style: chacraMap.PLOT_STYLE,
    pointToLayer: chacraMap.point("#7a3e0e"),
    onEachFeature: (f, l) => {
      const area = chacraMap.areaText(f.properties);
      chacraMap.label(l, f.properties.code + (area ? " · " + area : ""));
    },
  }).addTo(map);
  chacraMap.fit(map, layer);
  el.dataset.ready = String(data.features.length);
})();
