/* The dashboard map: country outlines from the bundled GeoJSON, and the page's selection
   from /api/map under the page's filters: one circle per event when few are placed, else
   clusters summed on a grid by the server (a sized circle with its count; a click zooms to
   it, and the map asks again for the new view). Text from the data goes in with
   textContent only. */
(function () {
  "use strict";
  var box = document.getElementById("map");
  var status = document.getElementById("map-status");
  if (!box || !window.L) { return; }

  function say(text) { if (status) { status.textContent = text; } }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
      return r.json();
    });
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function radius(killed) {
    if (killed === null || killed === undefined) { return 5; }
    return Math.min(4 + 1.6 * Math.sqrt(killed), 34);
  }

  function tip(e) {
    var div = document.createElement("div");
    var head = document.createElement("strong");
    head.textContent = (e.date || "undated") + " · " + (e.place || e.admin1 || e.country || "");
    div.appendChild(head);
    var line = document.createElement("div");
    var what = (e.attack_type || "unknown").replace(/_/g, " ");
    var killed = e.killed_best === null ? "killed unknown" : e.killed_best + " killed";
    line.textContent = what + " · " + killed;
    div.appendChild(line);
    return div;
  }

  function openEvent(id) {
    window.location.assign("/events/" + encodeURIComponent(id));
  }

  var map = L.map(box, { minZoom: 2, maxZoom: 10, worldCopyJump: true, zoomSnap: 0.5 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Boundaries: Natural Earth (public domain)");
  map.setView([33, 62], 4);
  var layer = L.layerGroup().addTo(map);

  function drawPoints(points) {
    // large circles first, so the small ones stay clickable on top
    points.sort(function (a, b) { return (b.killed_best || 0) - (a.killed_best || 0); });
    points.forEach(function (e) {
      var kind = e.attack_type || "unknown";
      var cls = "event-marker at-" + kind.replace(/[^a-z_]/g, "") +
        (e.killed_best === null ? " unknown-killed" : "");
      var marker = L.circleMarker([e.latitude, e.longitude], {
        radius: radius(e.killed_best), className: cls, weight: 1.5
      }).addTo(layer);
      marker.bindTooltip(tip(e), { direction: "top" });
      marker.on("click", function () { openEvent(e.id); });
      var el = marker.getElement();
      if (el) {
        el.setAttribute("data-event-id", e.id);
        el.setAttribute("role", "link");
        el.setAttribute("aria-label", tip(e).textContent);
      }
    });
  }

  function short(n) {
    if (n >= 10000) { return Math.round(n / 1000) + "k"; }
    if (n >= 1000) { return (n / 1000).toFixed(1) + "k"; }
    return String(n);
  }

  function drawClusters(clusters) {
    clusters.forEach(function (c) {
      var size = Math.round(Math.min(16 + 8 * Math.log10(c.events), 44));
      var label = document.createElement("span");
      label.textContent = short(c.events);
      var words = plural(c.events, "event") + ", " + c.killed + " killed";
      var marker = L.marker([c.latitude, c.longitude], {
        icon: L.divIcon({ className: "cluster-marker", html: label, iconSize: [size, size] }),
        keyboard: true, riseOnHover: true
      }).addTo(layer);
      var tipText = document.createElement("div");
      tipText.textContent = words + (c.id ? " (click to open it)" : " (click to zoom in)");
      marker.bindTooltip(tipText, { direction: "top" });
      marker.on("click", function () {
        if (c.id) { openEvent(c.id); return; }
        map.fitBounds([[c.south, c.west], [c.north, c.east]],
          { padding: [40, 40], maxZoom: Math.min(map.getZoom() + 3, map.getMaxZoom()) });
      });
      var el = marker.getElement();
      if (el) {
        el.setAttribute("data-events", String(c.events));
        el.setAttribute("role", "button");
        el.setAttribute("aria-label", words);
      }
    });
  }

  // draw one answer of /api/map; returns how many events it drew
  function draw(body, inView) {
    layer.clearLayers();
    var n = 0;
    if (body.mode === "points") {
      drawPoints(body.points);
      n = body.points.length;
      box.setAttribute("data-clusters", "0");
    } else {
      drawClusters(body.clusters);
      body.clusters.forEach(function (c) { n += c.events; });
      box.setAttribute("data-clusters", String(body.clusters.length));
    }
    box.setAttribute("data-mode", body.mode);
    box.setAttribute("data-markers", String(n));
    var where = inView ? " in view" : " on the map";
    var missing = body.unplaced ? "; " + body.unplaced + " without coordinates not shown" : "";
    if (body.mode === "points") {
      say(plural(n, "event") + where + missing + ". Click a circle to open its event.");
    } else {
      say(plural(n, "event") + where + " in " + plural(body.clusters.length, "cluster") +
        missing + ". Click a cluster to zoom in.");
    }
    return n;
  }

  // the view as the API's box (clamped to the world: the map may show a copy past 180°)
  function viewQuery() {
    var b = map.getBounds();
    var clamp = function (v, lo, hi) { return Math.max(lo, Math.min(hi, v)); };
    var west = clamp(b.getWest(), -180, 180);
    var east = clamp(b.getEast(), -180, 180);
    if (west >= east) { west = -180; east = 180; }
    return "south=" + clamp(b.getSouth(), -90, 90).toFixed(4) +
      "&west=" + west.toFixed(4) + "&north=" + clamp(b.getNorth(), -90, 90).toFixed(4) +
      "&east=" + east.toFixed(4);
  }

  var asked = 0;  // answers to an older view are dropped
  function refetch() {
    var mine = ++asked;
    var url = box.dataset.mapUrl;
    url += (url.indexOf("?") < 0 ? "?" : "&") + viewQuery();
    if (box.hasAttribute("data-ready")) { box.setAttribute("data-ready", "loading"); }
    getJSON(url).then(function (body) {
      if (mine !== asked) { return; }
      draw(body, true);
      box.setAttribute("data-ready", "true");
    }).catch(function (err) {
      say("The map could not be drawn: " + err.message);
      box.setAttribute("data-ready", "error");
    });
  }

  // first every event when few, else only where they are: the map fits its view to them and
  // asks for the clusters of that view (and again for each new view)
  var first = box.dataset.mapUrl;
  first += (first.indexOf("?") < 0 ? "?" : "&") + "clusters=false";
  Promise.all([getJSON(box.dataset.boundariesUrl), getJSON(first)])
    .then(function (got) {
      L.geoJSON(got[0], { interactive: false, style: function () {
        return { className: "country", weight: 0.6 };
      } }).addTo(map);
      var body = got[1];
      var b = body.bounds;  // south, west, north, east of the placed events
      if (b && b[0] === b[2] && b[1] === b[3]) {
        map.setView([b[0], b[1]], 5, { animate: false });
      } else if (b) {
        map.fitBounds([[b[0], b[1]], [b[2], b[3]]],
          { padding: [30, 30], maxZoom: 5, animate: false });
      }
      if (body.mode !== "points") {
        map.on("moveend", refetch);
        refetch();
        return;
      }
      draw(body, false);
      box.setAttribute("data-ready", "true");
    })
    .catch(function (err) {
      say("The map could not be drawn: " + err.message);
      box.setAttribute("data-ready", "error");
    });
}());
