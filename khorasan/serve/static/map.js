/* The dashboard map: country outlines from the bundled GeoJSON, one circle per event from
   /api/events under the page's filters. Text from the data goes in with textContent only. */
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

  // every page of /api/events (it pages with next_cursor)
  function allEvents(url, found) {
    return getJSON(url).then(function (body) {
      found = (found || []).concat(body.events || []);
      if (!body.next_cursor) { return found; }
      var next = box.dataset.eventsUrl + "&cursor=" + encodeURIComponent(body.next_cursor);
      return allEvents(next, found);
    });
  }

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

  var map = L.map(box, { minZoom: 2, maxZoom: 10, worldCopyJump: true, zoomSnap: 0.5 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Boundaries: Natural Earth (public domain)");
  map.setView([33, 62], 4);

  Promise.all([getJSON(box.dataset.boundariesUrl), allEvents(box.dataset.eventsUrl)])
    .then(function (got) {
      L.geoJSON(got[0], { interactive: false, style: function () {
        return { className: "country", weight: 0.6 };
      } }).addTo(map);
      var events = got[1];
      var placed = events.filter(function (e) {
        return e.latitude !== null && e.longitude !== null;
      });
      // large circles first, so the small ones stay clickable on top
      placed.sort(function (a, b) { return (b.killed_best || 0) - (a.killed_best || 0); });
      var bounds = [];
      placed.forEach(function (e) {
        var kind = e.attack_type || "unknown";
        var cls = "event-marker at-" + kind.replace(/[^a-z_]/g, "") +
          (e.killed_best === null ? " unknown-killed" : "");
        var marker = L.circleMarker([e.latitude, e.longitude], {
          radius: radius(e.killed_best), className: cls, weight: 1.5
        }).addTo(map);
        marker.bindTooltip(tip(e), { direction: "top" });
        marker.on("click", function () {
          window.location.assign("/events/" + encodeURIComponent(e.id));
        });
        var el = marker.getElement();
        if (el) {
          el.setAttribute("data-event-id", e.id);
          el.setAttribute("role", "link");
          el.setAttribute("aria-label", tip(e).textContent);
        }
        bounds.push([e.latitude, e.longitude]);
      });
      if (bounds.length === 1) {
        map.setView(bounds[0], 5);
      } else if (bounds.length > 1) {
        map.fitBounds(bounds, { padding: [30, 30], maxZoom: 5 });
      }
      var missing = events.length - placed.length;
      say(placed.length + " event" + (placed.length === 1 ? "" : "s") + " on the map" +
        (missing ? "; " + missing + " without coordinates not shown" : "") +
        ". Click a circle to open its event.");
      box.setAttribute("data-ready", "true");
      box.setAttribute("data-markers", String(placed.length));
    })
    .catch(function (err) {
      say("The map could not be drawn: " + err.message);
      box.setAttribute("data-ready", "error");
    });
}());
