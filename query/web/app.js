// app.js — small conveniences for keikaku's pages; every page works without it.
// Copy buttons for citation lines, and filter selects that apply themselves when changed.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    button.hidden = false;
    function done() {
      button.textContent = "コピーしました";
      setTimeout(function () { button.textContent = "コピー"; }, 2000);
    }
    function fallback() { // no Clipboard API off localhost over plain HTTP
      field.select();
      if (document.execCommand && document.execCommand("copy")) done();
    }
    button.addEventListener("click", function () {
      if (navigator.clipboard) navigator.clipboard.writeText(field.value).then(done, fallback);
      else fallback();
    });
  });
  document.querySelectorAll(".filters select").forEach(function (select) {
    select.addEventListener("change", function () { if (select.form) select.form.submit(); });
  });
});
