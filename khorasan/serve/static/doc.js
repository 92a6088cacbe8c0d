/* The document page: the span named in the URL's fragment (#m-12, #r-3) is highlighted in
   every piece of text it covers, and scrolled into view. */
(function () {
  "use strict";
  function mark() {
    var key = decodeURIComponent(window.location.hash.slice(1));
    if (/^at-[0-9]+-[0-9]+$/.test(key)) {
      // a link by character span (from the records page): the span's own key
      var anchor = document.querySelector('.anchor[data-at="' + key.slice(3) + '"]');
      key = anchor ? anchor.id : "";
    }
    document.querySelectorAll("mark.current").forEach(function (el) {
      el.classList.remove("current");
    });
    if (!/^[mr]-[0-9]+$/.test(key)) { return; }
    var pieces = document.querySelectorAll("mark[data-spans]");
    var first = null;
    pieces.forEach(function (el) {
      if (el.dataset.spans.split(" ").indexOf(key) !== -1) {
        el.classList.add("current");
        first = first || el;
      }
    });
    if (first) {
      first.scrollIntoView({ block: "center" });
      document.body.setAttribute("data-current-span", key);
    }
  }
  window.addEventListener("hashchange", mark);
  mark();
}());
