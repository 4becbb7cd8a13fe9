/* 建言 staff back office: small enhancements, each optional (every page works without
   script). Static file only: the CSP refuses inline scripts.

   - Pickers: <input data-picker="sponsors" list="sponsors-options"> gets suggestions
     fetched as you type from the datalist's data-source (a JSON endpoint); a datalist
     without data-source (agencies) is used as rendered. A list field (a textarea with
     data-picker-multi) gets a helper box above it: pick a name, it is added as a line.
   - The proposal form: changing the session fetches its next free number.
   - [data-confirm] forms ask before submitting; [data-print] buttons print the page. */
(function () {
  "use strict";

  function debounce(fn, wait) {
    var timer = null;
    return function () {
      var args = arguments;
      var self = this;
      clearTimeout(timer);
      timer = setTimeout(function () {
        fn.apply(self, args);
      }, wait);
    };
  }

  function fillFromSource(datalist, query) {
    var source = datalist.getAttribute("data-source");
    if (!source) {
      return;
    }
    var url = source + "?q=" + encodeURIComponent(query || "");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { results: [] };
      })
      .then(function (data) {
        datalist.textContent = "";
        (data.results || []).forEach(function (item) {
          var option = document.createElement("option");
          option.value = item.value;
          option.textContent = [item.kind, item.affiliation].filter(Boolean).join(" · ");
          datalist.appendChild(option);
        });
      })
      .catch(function () {
        /* Suggestions are a convenience: typing the full name still works. */
      });
  }

  function datalistFor(input) {
    var id = input.getAttribute("list");
    return id ? document.getElementById(id) : null;
  }

  function wireSuggestions(input) {
    var datalist = datalistFor(input);
    if (!datalist || !datalist.hasAttribute("data-source")) {
      return;
    }
    var update = debounce(function () {
      fillFromSource(datalist, input.value.trim());
    }, 200);
    input.addEventListener("input", update);
    input.addEventListener("focus", update);
  }

  function isOption(datalist, value) {
    if (!datalist || !value) {
      return false;
    }
    if (datalist.hasAttribute("data-source")) {
      return true; /* remote list: the server checks the name when the form is saved */
    }
    return Array.prototype.some.call(datalist.options, function (option) {
      return option.value === value;
    });
  }

  function addLine(textarea, value) {
    var lines = textarea.value.split(/[\r\n、，,；;]+/).map(function (line) {
      return line.trim();
    }).filter(Boolean);
    if (lines.indexOf(value) === -1) {
      lines.push(value);
    }
    textarea.value = lines.join("\n");
    textarea.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function wireMulti(textarea) {
    var listId = textarea.getAttribute("list");
    var wrapper = document.createElement("div");
    wrapper.className = "picker-add";
    var helper = document.createElement("input");
    helper.type = "text";
    helper.setAttribute("list", listId);
    helper.setAttribute("autocomplete", "off");
    helper.setAttribute("data-picker", textarea.getAttribute("data-picker"));
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    var addText = textarea.getAttribute("data-add-label") || "+";
    helper.setAttribute("aria-label", addText + (label ? label.textContent.replace(/[:：]\s*$/, "") : ""));
    helper.placeholder = textarea.getAttribute("data-add-placeholder") || "";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-small button-secondary";
    button.textContent = addText;
    wrapper.appendChild(helper);
    wrapper.appendChild(button);
    textarea.parentNode.insertBefore(wrapper, textarea);
    textarea.removeAttribute("list");

    function add() {
      var value = helper.value.trim();
      if (value) {
        addLine(textarea, value);
        helper.value = "";
        helper.focus();
      }
    }
    button.addEventListener("click", add);
    helper.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        add();
      }
    });
    /* Choosing a suggestion from a static list adds it at once. */
    helper.addEventListener("change", function () {
      var datalist = document.getElementById(listId);
      if (datalist && !datalist.hasAttribute("data-source") && isOption(datalist, helper.value.trim())) {
        add();
      }
    });
    wireSuggestions(helper);
  }

  function wireNextNumber(container) {
    var select = container.querySelector("select");
    var number = document.querySelector('input[name="number"]');
    var url = container.getAttribute("data-next-number-url");
    if (!select || !number || !url) {
      return;
    }
    select.addEventListener("change", function () {
      fetch(url + "?session=" + encodeURIComponent(select.value), { credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data && data.number) {
            number.value = data.number;
          }
        })
        .catch(function () {});
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-picker-multi]").forEach(wireMulti);
    document.querySelectorAll("input[data-picker]").forEach(function (input) {
      if (!input.closest(".picker-add")) {
        wireSuggestions(input);
      }
    });
    document.querySelectorAll("[data-next-number-url]").forEach(wireNextNumber);
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) {
          event.preventDefault();
        }
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  });
})();
