// The investor workspace's hexagon map: the published H3 cells (aggregates of at least five
// producers, never a plot) drawn with MapLibre over a plain background, coloured by expected
// tonnes, hot spots outlined; a click shows the cell's figures.
(function () {
  "use strict";
  const el = document.getElementById("hexmap");
  if (!el || !window.maplibregl) return;
  const text = JSON.parse(document.getElementById("hexmap-text").textContent);
  const COLOURS = ["#fff7bc", "#fec44f", "#fe9929", "#d95f0e", "#993404"];

  function colour(max) {
    if (!(max > 0)) return COLOURS[2];
    const expr = ["interpolate", ["linear"], ["get", "expected_t"]];
    COLOURS.forEach((c, i) => expr.push((max * i) / (COLOURS.length - 1), c));
    return expr;
  }

  function bounds(features) {
    let [w, s, e, n] = [180, 90, -180, -90];
    for (const f of features) {
      for (const [x, y] of f.geometry.coordinates[0]) {
        w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y);
      }
    }
    return [[w, s], [e, n]];
  }

  function legend(max) {
    const box = document.getElementById("hexmap-legend");
    box.textContent = "";
    const title = document.createElement("strong");
    title.textContent = text.legend;
    box.append(title);
    COLOURS.forEach((c, i) => {
      const row = document.createElement("div");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = c;
      row.append(swatch, " " + Math.round((max * i) / (COLOURS.length - 1)).toLocaleString());
      box.append(row);
    });
    const hot = document.createElement("div");
    const ring = document.createElement("span");
    ring.className = "swatch hot";
    hot.append(ring, " " + text.hot_spot);
    box.append(hot);
  }

  const map = new maplibregl.Map({
    container: el,
    style: {
      version: 8,
      sources: {},
      layers: [{ id: "background", type: "background", paint: { "background-color": "#eef1ea" } }],
    },
    center: [-76.5, -7.5],
    zoom: 6,
    attributionControl: false,
  });
  window.chacraHexmap = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));

  map.on("load", async () => {
    let data;
    try {
      const response = await fetch(el.dataset.src, { credentials: "same-origin" });
      if (!response.ok) throw new Error(response.status + " " + response.statusText);
      data = await response.json();
    } catch (err) {
      el.dataset.state = "error";
      document.getElementById("hexmap-error").hidden = false;
      return;
    }
    const max = Math.max(0, ...data.features.map((f) => f.properties.expected_t));
    // Region and province borders for orientation (public reference overlays of the map app).
    for (const [name, width] of [["provinces", 0.6], ["regions", 1.4]]) {
      map.addSource(name, { type: "geojson", data: el.dataset.overlays.replace("NAME", name) });
      map.addLayer({
        id: name, type: "line", source: name,
        paint: { "line-color": "#6b6b6b", "line-width": width, "line-opacity": 0.7 },
      });
    }
    map.addSource("hexagons", { type: "geojson", data: data });
    map.addLayer({
      id: "hexagons", type: "fill", source: "hexagons",
      paint: { "fill-color": colour(max), "fill-opacity": 0.85, "fill-outline-color": "rgba(110, 70, 20, 0.3)" },
    });
    map.addLayer({
      id: "hot-spots", type: "line", source: "hexagons",
      filter: ["==", ["get", "hot_spot"], true],
      paint: { "line-color": "#c0392b", "line-width": 1.5 },
    });
    legend(max);
    el.dataset.cells = String(data.features.length);
    if (data.features.length) map.fitBounds(bounds(data.features), { padding: 30, duration: 0 });
    map.on("click", "hexagons", (e) => {
      const p = e.features[0].properties;
      const lines = [
        [text.producers, Number(p.producers).toLocaleString()],
        [text.expected, Number(p.expected_t).toFixed(1)],
        [text.hectares, Number(p.hectares_installed).toFixed(1)],
        [text.fine_flavour, Number(p.hectares_fine_flavour).toFixed(1)],
      ];
      const body = document.createElement("div");
      for (const [label, value] of lines) {
        const row = document.createElement("div");
        row.textContent = label + ": " + value;
        body.append(row);
      }
      new maplibregl.Popup().setLngLat(e.lngLat).setDOMContent(body).addTo(map);
    });
    map.once("idle", () => { el.dataset.state = "idle"; });
  });
})();
