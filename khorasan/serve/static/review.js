/* The review queue's keys: c confirm, x reject, e correct a field, j/n next, k/p previous,
   o open the event. Keys typed into a field are the field's own. No inline script (CSP). */
(function () {
  "use strict";
  function click(id) {
    var el = document.getElementById(id);
    if (el) { el.click(); }
  }
  function submit(id) {
    var form = document.getElementById(id);
    if (form) { form.requestSubmit(); }
  }
  document.addEventListener("keydown", function (ev) {
    var tag = (ev.target && ev.target.tagName) || "";
    if (ev.ctrlKey || ev.metaKey || ev.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(tag)) {
      if (ev.key === "Escape" && ev.target.blur) { ev.target.blur(); }
      return;
    }
    switch (ev.key) {
      case "c": submit("form-confirm"); break;
      case "x": document.getElementById("reject-reason") ?
        document.getElementById("reject-reason").focus() : null; break;
      case "e": if (document.getElementById("correct-field")) {
        document.getElementById("correct-field").focus(); } break;
      case "j": case "n": click("review-next"); break;
      case "k": case "p": click("review-prev"); break;
      case "o": click("review-open"); break;
      default: return;
    }
    ev.preventDefault();
  });
}());
