/**
 * The console's one script, served as /ui/assets/console.js: progressive enhancement
 * only — every page works without it. It shows the "copy" buttons beside hashes (they
 * are hidden without script) and adds keyboard shortcuts: `/` focuses the first field
 * of the page's form, `n` follows the "next page" link, `g` then `r`/`v`/`s`/`l` opens
 * runs, reviews, sessions or the log. Shortcuts are ignored while typing in a field.
 */
export const CONSOLE_JS = `"use strict";
(function () {
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy") || "";
      var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 1500); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { button.textContent = "Copy failed"; });
      } else { button.textContent = "Copy failed"; }
    });
  });
  var pendingG = false;
  var go = { r: "/ui/runs", v: "/ui/reviews", s: "/ui/sessions", l: "/ui/log" };
  document.addEventListener("keydown", function (event) {
    var t = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    if (pendingG) {
      pendingG = false;
      if (go[event.key]) { window.location.assign(go[event.key]); event.preventDefault(); }
      return;
    }
    if (event.key === "g") { pendingG = true; return; }
    if (event.key === "/") {
      var field = document.querySelector("main input:not([type=hidden]), main select, main textarea");
      if (field) { field.focus(); event.preventDefault(); }
    } else if (event.key === "n") {
      var next = document.querySelector("a[rel=next]");
      if (next) { window.location.assign(next.href); event.preventDefault(); }
    }
  });
})();
`;
