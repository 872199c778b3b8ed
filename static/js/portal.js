/*
 * Lippe Digitalportal – small progressive enhancements. Every page works without this file.
 * Loaded with `defer` after htmx; no inline scripts anywhere (strict CSP).
 */
(function () {
  "use strict";

  /* After a failed submit, move the focus to the error summary so screen readers read it
     and keyboard users start at the list of problems (WCAG 3.3.1). */
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector(".portal-error-summary");
    if (summary) {
      summary.focus();
    }
  }

  /* A table wider than the screen scrolls in its container; keyboard users must be able to
     reach it (axe: scrollable-region-focusable). */
  function makeScrollRegionsFocusable(root) {
    /* {% scrollbereich %} regions are focusable and named on the server; here they only
       learn whether their table overflows, which shows the "seitlich scrollen" hint. */
    (root || document).querySelectorAll(".table-scroll").forEach(function (region) {
      region.toggleAttribute("data-ueberlauf", region.scrollWidth > region.clientWidth + 1);
    });
    var regions = (root || document).querySelectorAll(".kern-table-responsive");
    regions.forEach(function (region) {
      if (region.scrollWidth > region.clientWidth && !region.hasAttribute("tabindex")) {
        var caption = region.querySelector("caption");
        region.setAttribute("tabindex", "0");
        region.setAttribute("role", "region");
        region.setAttribute("aria-label", caption ? caption.textContent.trim() : "Tabelle");
      }
    });
  }

  /* <form data-confirm="Wirklich löschen?"> asks before sending. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  /* One polite live region for short announcements from htmx requests. */
  function announce(text) {
    var region = document.getElementById("portal-live");
    if (!region) {
      region = document.createElement("div");
      region.id = "portal-live";
      region.className = "portal-visually-hidden";
      region.setAttribute("role", "status");
      document.body.appendChild(region);
    }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail && event.detail.target;
    if (target) { target.setAttribute("aria-busy", "true"); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var target = event.detail && event.detail.target;
    if (target) { target.removeAttribute("aria-busy"); }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    makeScrollRegionsFocusable(target);
    focusErrorSummary(target);
    /* A partial can name what changed: <div data-announce="12 Maßnahmen gefunden"> */
    var note = target && (target.matches("[data-announce]") ? target : target.querySelector("[data-announce]"));
    if (note) { announce(note.getAttribute("data-announce")); }
  });
  document.addEventListener("htmx:responseError", function () {
    announce("Die Anfrage ist fehlgeschlagen. Bitte laden Sie die Seite neu.");
  });
  document.addEventListener("htmx:sendError", function () {
    announce("Keine Verbindung zum Server. Bitte prüfen Sie Ihre Netzverbindung.");
  });

  /* The list filters come open from the server (usable without JavaScript); on a small
     screen they fold behind their "Filter" summary unless a filter is set, and on a wide
     one they stay open, as their summary is hidden there. */
  var wide = window.matchMedia("(min-width: 48rem)");
  function fitFilterDisclosures(initial) {
    document.querySelectorAll("details.portal-filter-klappe").forEach(function (details) {
      if (wide.matches) {
        details.open = true;
      } else if (initial) {
        details.open = window.location.search.length > 1;
      }
    });
  }
  wide.addEventListener("change", function () { fitFilterDisclosures(false); });

  function init() {
    fitFilterDisclosures(true);
    focusErrorSummary(document);
    makeScrollRegionsFocusable(document);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  window.addEventListener("resize", function () { makeScrollRegionsFocusable(document); });
})();
