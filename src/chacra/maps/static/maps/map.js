// The full-screen map: plots from chacra's vector tiles, overlays as GeoJSON, filters kept in
// the URL (query string for filters, hash for the view) so that a view can be shared.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("map-config").textContent);
  const text = JSON.parse(document.getElementById("map-text").textContent);
  const form = document.getElementById("map-filters");
  const el = document.getElementById("map");
  const FILTERS = ["region", "distrito", "clone", "group", "year", "flag"];
  const base = location.origin + el.dataset.root;

  const COLOURS = {
    group: {
      property: "group",
      values: { fine_flavour: "#1e7b34", ccn51: "#c0392b", mixed: "#8e44ad", native: "#d4a017", none: "#7f8c8d" },
    },
    agroforestry: { property: "agroforestry", values: { 1: "#117a65", 0: "#e67e22" } },
    mapped: { property: "mapped", values: { 1: "#1f5fa8", 0: "#9a9a9a" } },
    flags: { property: "flags", values: { "": "#27ae60" }, fallback: "#e0301e" },
    risk: {
      property: "risk",
      values: { compliant: "#1e8449", needs_review: "#f39c12", non_compliant: "#c0392b", unchecked: "#9a9a9a" },
    },
  };
  const LEGEND = {
    group: ["fine_flavour", "ccn51", "mixed", "native", "none"],
    agroforestry: [[1, "agroforestry"], [0, "no_agroforestry"]],
    mapped: [[1, "mapped"], [0, "unmapped"]],
    flags: [["", "clean"], ["x", "flagged"]],
    risk: [["compliant", "compliant"], ["needs_review", "needs_review"], ["non_compliant", "non_compliant"], ["unchecked", "unchecked"]],
  };

  function colourExpression(mode) {
    const c = COLOURS[mode];
    const expr = ["match", ["to-string", ["get", c.property]]];
    for (const [value, colour] of Object.entries(c.values)) expr.push(String(value), colour);
    expr.push(c.fallback || "#555");
    return expr;
  }

  function query() {
    const q = new URLSearchParams();
    for (const name of FILTERS) {
      const v = form.elements[name].value;
      if (v) q.set(name, v);
    }
    return q;
  }

  function tileUrl() {
    const q = query().toString();
    return base + "tiles/{z}/{x}/{y}.pbf" + (q ? "?" + q : "");
  }

  // Filters from the URL into the form.
  const initial = new URLSearchParams(location.search);
  for (const name of FILTERS) if (initial.get(name)) form.elements[name].value = initial.get(name);

  // "geojson" feeds the same layers one document of all plots instead of tiles (for comparison).
  const asGeojson = config.source === "geojson";
  const polygonZoom = config.polygonZoom;
  const plotsUrl = () => base + "plots.geojson" + (query().toString() ? "?" + query() : "");
  const sources = {
    plots: asGeojson
      ? { type: "geojson", data: plotsUrl() }
      : { type: "vector", tiles: [tileUrl()], minzoom: 0, maxzoom: config.maxZoom },
  };
  const fromPlots = (layerName, geometryType) =>
    asGeojson
      ? { source: "plots", filter: ["in", ["geometry-type"], ["literal", [geometryType, "Multi" + geometryType]]] }
      : { source: "plots", "source-layer": layerName };
  const layers = [{ id: "background", type: "background", paint: { "background-color": "#eef1ea" } }];
  if (config.basemap) {
    sources.basemap = { type: "raster", tiles: [config.basemap], tileSize: 256 };
    layers.push({ id: "basemap", type: "raster", source: "basemap" });
  }
  // Protected areas under everything else: strict ones red, direct use and buffers amber.
  sources.protected = { type: "geojson", data: base + "overlays/protected.geojson" };
  layers.push({
    id: "protected", type: "fill", source: "protected",
    paint: {
      "fill-color": ["match", ["get", "category"], "strict", "#c0392b", "#e5a50a"],
      "fill-opacity": 0.18,
      "fill-outline-color": ["match", ["get", "category"], "strict", "#922b21", "#9a7d0a"],
    },
  });
  const overlayStyle = {
    regions: { type: "line", paint: { "line-color": "#5b3a1a", "line-width": 2.2 } },
    provinces: { type: "line", paint: { "line-color": "#8a6a4a", "line-width": 1, "line-dasharray": [3, 2] } },
    rivers: { type: "line", paint: { "line-color": "#3b83c4", "line-width": 1.4 } },
    roads: { type: "line", paint: { "line-color": "#6d4c41", "line-width": 1.2 } },
  };
  for (const [name, style] of Object.entries(overlayStyle)) {
    sources[name] = { type: "geojson", data: base + "overlays/" + name + ".geojson" };
    layers.push({ id: name, source: name, ...style });
  }
  const colour = colourExpression("group");
  layers.push(
    {
      id: "plot-fill", type: "fill", ...fromPlots("plots", "Polygon"), minzoom: polygonZoom,
      paint: { "fill-color": colour, "fill-opacity": 0.55 },
    },
    {
      id: "plot-line", type: "line", ...fromPlots("plots", "Polygon"), minzoom: polygonZoom,
      paint: { "line-color": colour, "line-width": 1.2 },
    },
    {
      id: "plot-points", type: "circle", ...fromPlots("points", "Point"),
      // From the polygon zoom, a mapped plot is drawn as its polygon, not its point.
      ...(asGeojson
        ? { filter: ["all", ["==", ["geometry-type"], "Point"],
            ["any", ["==", ["get", "mapped"], 0], ["<", ["zoom"], polygonZoom]]] }
        : {}),
      paint: {
        "circle-color": colour,
        "circle-radius": ["match", ["get", "ha_class"], 3, 7, 2, 5, 3.5],
        "circle-stroke-color": "#fff",
        "circle-stroke-width": 0.6,
        "circle-opacity": 0.85,
      },
    },
  );
  for (const [name, fill] of [["capitals", "#ffffff"], ["facilities", "#7a3e0e"], ["nurseries", "#3f8f3a"], ["offices", "#1b1b1b"]]) {
    sources[name] = { type: "geojson", data: base + "overlays/" + name + ".geojson" };
    layers.push({
      id: name, type: "circle", source: name,
      paint: {
        "circle-radius": name === "offices" ? 7 : 5, "circle-color": fill,
        "circle-stroke-color": "#1b1b1b", "circle-stroke-width": 2,
      },
    });
  }

  const sharedView = location.hash.includes("view=");
  const map = new maplibregl.Map({
    container: el,
    style: { version: 8, sources, layers },
    center: [-76.2, -7.6],
    zoom: 6.3,
    maxZoom: config.maxZoom,
    hash: "view",
    attributionControl: false,
  });
  if (config.bounds && !sharedView) map.fitBounds(config.bounds, { padding: 40, maxZoom: 11, animate: false });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }));
  window.chacraMap = map;

  function legend(mode) {
    const box = document.getElementById("map-legend");
    const c = COLOURS[mode];
    const rows = LEGEND[mode].map((entry) => {
      const [value, label] = Array.isArray(entry) ? entry : [entry, entry];
      const fill = c.values[value] || c.fallback;
      return `<div><i style="background:${fill}"></i>${text[label]}</div>`;
    });
    const sizes = [["class1", 3.5], ["class2", 5], ["class3", 7]].map(
      ([k, r]) => `<div class="size"><i style="width:${2 * r}px;height:${2 * r}px"></i>${text[k]}</div>`,
    );
    box.innerHTML = rows.join("") + `<h3>${text.classes}</h3>` + sizes.join("");
  }
  legend("group");

  document.querySelectorAll("input[name=colour]").forEach((radio) =>
    radio.addEventListener("change", () => {
      const expr = colourExpression(radio.value);
      map.setPaintProperty("plot-fill", "fill-color", expr);
      map.setPaintProperty("plot-line", "line-color", expr);
      map.setPaintProperty("plot-points", "circle-color", expr);
      legend(radio.value);
    }),
  );
  document.querySelectorAll("input[name=overlay]").forEach((box) =>
    box.addEventListener("change", () =>
      map.setLayoutProperty(box.value, "visibility", box.checked ? "visible" : "none"),
    ),
  );

  form.addEventListener("change", async () => {
    const error = document.getElementById("map-error");
    const q = query().toString();
    // Ask once for a tile outside the programme to check the filters before redrawing.
    const check = await fetch(base + "tiles/0/0/0.pbf" + (q ? "?" + q : ""));
    if (check.status === 400) {
      error.textContent = (await check.json()).error;
      error.hidden = false;
      return;
    }
    error.hidden = true;
    history.replaceState(null, "", location.pathname + (q ? "?" + q : "") + location.hash);
    el.dataset.state = "loading";
    if (asGeojson) map.getSource("plots").setData(plotsUrl());
    else map.getSource("plots").setTiles([tileUrl()]);
  });
  form.addEventListener("submit", (e) => e.preventDefault());

  function escape(s) {
    const div = document.createElement("div");
    div.textContent = s == null ? "" : String(s);
    return div.innerHTML;
  }

  function popupHtml(p) {
    const area = p.area_ha != null ? `${p.area_ha} ha` : p.declared_area_ha != null ? `${p.declared_area_ha} ha (${text.declared})` : "–";
    const links = [
      p.plot_url ? `<a href="${p.plot_url}">${text.open_plot}</a>` : "",
      p.producer_url ? `<a href="${p.producer_url}">${text.open_card}</a>` : "",
    ].join("");
    return `<div class="plot-popup"><h3>${escape(p.code)} ${escape(p.name)}</h3><dl>
      <dt>${text.producer}</dt><dd>${escape(p.producer)} (${escape(p.producer_code)})</dd>
      <dt>${text.plot}</dt><dd>${escape(p.comunidad)}, ${escape(p.distrito)}</dd>
      <dt>${text.area}</dt><dd>${escape(area)}</dd>
      ${p.flags.length ? `<dt>${text.flags}</dt><dd>${p.flags.map(escape).join(", ")}</dd>` : ""}
      </dl>${links}</div>`;
  }

  map.on("click", async (e) => {
    const hit = map.queryRenderedFeatures(e.point, { layers: ["offices", "facilities", "nurseries", "capitals"] })[0];
    if (hit) {
      const kind = { offices: text.office, facilities: text.facility, nurseries: text.nursery, capitals: text.capital }[hit.layer.id];
      new maplibregl.Popup().setLngLat(e.lngLat)
        .setHTML(`<b>${escape(hit.properties.name)}</b><br>${kind}`).addTo(map);
      return;
    }
    const q = query();
    q.set("lon", e.lngLat.lng.toFixed(7));
    q.set("lat", e.lngLat.lat.toFixed(7));
    q.set("z", map.getZoom().toFixed(2));
    const answer = await (await fetch(base + "plot-at/?" + q)).json();
    if (!answer.plot) return;
    const popup = new maplibregl.Popup({ maxWidth: "340px" }).setLngLat(e.lngLat)
      .setHTML(popupHtml(answer.plot)).addTo(map);
    popup.getElement().dataset.plot = answer.plot.code;
  });
  map.on("mousemove", (e) => {
    const over = map.queryRenderedFeatures(e.point, { layers: ["plot-fill", "plot-points", "offices", "facilities", "nurseries", "capitals"] });
    map.getCanvas().style.cursor = over.length ? "pointer" : "";
  });
  // "idle" waits for every source, the basemap too: offline its tiles fail and it may never come.
  map.on("sourcedata", (e) => {
    if (e.sourceId === "plots" && map.isSourceLoaded("plots")) el.dataset.plots = "loaded";
  });
  map.on("idle", () => {
    // When the first complete frame was drawn, in ms since navigation started (for benchmarks).
    if (!el.dataset.idleAt) el.dataset.idleAt = String(Math.round(performance.now()));
    el.dataset.state = "idle";
    el.dataset.rendered = String(
      map.queryRenderedFeatures({ layers: ["plot-fill", "plot-points"] }).length,
    );
  });
})();
