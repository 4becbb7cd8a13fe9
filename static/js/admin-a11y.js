/* Django's admin, as staff use it, to WCAG 2.1 AA (tests/test_a11y_pages.py runs axe on
   it). Three things Django's markup leaves unnamed or misnamed, fixed once the admin's
   own scripts have run (they start on `load`):
   - a field in a tabular inline has no <label>: it takes its column's header;
   - an autocomplete box (Select2) and the value it shows are named only by that value,
     empty at first: they are also named by the field's label;
   - the "today" shortcut of a date field is named in English ("Today (…)") while it
     reads 今天: its name starts with the text it shows. */
(function () {
  "use strict";

  function nameTabularFields(root) {
    root.querySelectorAll("div.tabular table").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      table.querySelectorAll("tbody td").forEach(function (cell) {
        var field = cell.querySelector("input:not([type=hidden]), select, textarea");
        if (!field || (field.labels && field.labels.length) || field.hasAttribute("aria-label")) {
          return;
        }
        var name = Array.prototype.find.call(cell.classList, function (c) {
          return c.indexOf("field-") === 0;
        });
        var head = name
          ? table.querySelector("thead th.column-" + name.slice(6))
          : cell.classList.contains("delete") ? heads[heads.length - 1] : null;
        var text = head ? head.textContent.trim() : "";
        if (text) {
          field.setAttribute("aria-label", text);
        }
      });
    });
  }

  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.labels && select.labels[0];
      var box = select.parentNode.querySelector(".select2-selection[role=combobox]");
      if (!label || !box) {
        return;
      }
      if (!label.id) {
        label.id = select.id + "-label";
      }
      var current = box.getAttribute("aria-labelledby") || "";
      if (current.split(" ").indexOf(label.id) === -1) {
        box.setAttribute("aria-labelledby", (label.id + " " + current).trim());
      }
      var shown = box.querySelector(".select2-selection__rendered[role=textbox]");
      if (shown && !shown.hasAttribute("aria-labelledby")) {
        shown.setAttribute("aria-labelledby", label.id);
      }
    });
  }

  function nameShortcuts(root) {
    root.querySelectorAll(".datetimeshortcuts a[aria-label]").forEach(function (link) {
      var text = link.textContent.trim();
      var name = link.getAttribute("aria-label");
      if (text && name.indexOf(text) !== 0) {
        var detail = name.indexOf("(") >= 0 ? name.slice(name.indexOf("(")) : "";
        link.setAttribute("aria-label", (text + " " + detail).trim());
      }
    });
  }

  function fix(root) {
    nameTabularFields(root);
    nameAutocompletes(root);
    nameShortcuts(root);
  }

  window.addEventListener("load", function () {
    window.setTimeout(function () {
      fix(document);
    }, 0);
  });
  document.addEventListener("formset:added", function (event) {
    window.setTimeout(function () {
      fix(event.target.closest("div.inline-group") || document);
    }, 0);
  });
})();
