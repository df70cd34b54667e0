// The plot page's map: the current geometry, and earlier ones (or an invalid one as received)
// drawn when their box in the history table is ticked.
(function () {
  const el = document.getElementById("plot-map");
  const data = JSON.parse(document.getElementById("plot-geometries").textContent);
  const map = chacraMap.create(el);
  const STYLES = {
    current: chacraMap.PLOT_STYLE,
    earlier: { color: "#5b7fa3", weight: 2, dashArray: "6 4", fillOpacity: 0.1 },
    original: { color: "#b00020", weight: 2, dashArray: "2 4", fillOpacity: 0.05 },
  };
  const layers = {};
  for (const f of data.features) {
    const kind = f.properties.kind;
    layers[f.properties.key] = L.geoJSON(f, {
      style: STYLES[kind],
      pointToLayer: chacraMap.point(STYLES[kind].color),
    });
  }
  const shown = () => {
    el.dataset.shown = Object.keys(layers).filter((k) => map.hasLayer(layers[k])).sort().join(" ");
  };
  const current = layers.current || L.featureGroup();
  current.addTo(map);
  const code = (data.features.find((f) => f.properties.key === "current") || {}).properties;
  if (code) {
    current.eachLayer((l) => chacraMap.label(l, code.code));
  }
  chacraMap.fit(map, layers.current ? current : L.featureGroup(Object.values(layers)));
  for (const box of document.querySelectorAll("input.geometry-toggle")) {
    const layer = layers[box.dataset.key];
    if (!layer) {
      box.disabled = true; // a version with no geometry (the plot was not mapped then)
      continue;
    }
    box.addEventListener("change", () => {
      if (box.checked) {
        layer.addTo(map);
        // an earlier geometry may lie far away (swapped coordinates, another place): show it
        const bounds = layer.getBounds();
        if (bounds.isValid() && !map.getBounds().contains(bounds)) {
          map.fitBounds(bounds.extend(current.getBounds()), { padding: [30, 30], maxZoom: 17 });
        }
      } else {
        map.removeLayer(layer);
      }
      shown();
    });
  }
  shown();
  el.dataset.ready = String(data.features.length);
})();
