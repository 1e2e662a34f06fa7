// The default theme's page script, loaded by every page (base.html).
(function () {
  // Dates that have passed since the site was built: mark them, and drop them from lists of
  // upcoming meetings. Without script the lists are as of the build, which is still right.
  var items = document.querySelectorAll("li[data-end]");
  if (!items.length || !Date.now) return;
  var now = Date.now();
  for (var i = 0; i < items.length; i++) {
    var end = Date.parse(items[i].getAttribute("data-end"));
    if (end && end < now) {
      items[i].classList.add("is-past");
      if (items[i].parentNode.hasAttribute("data-upcoming")) items[i].hidden = true;
    }
  }
  var months = document.querySelectorAll("section.month");
  for (var j = 0; j < months.length; j++) {
    if (!months[j].querySelector("li[data-end]:not([hidden])")) months[j].hidden = true;
  }
})();
(function () {
  // "Copy" buttons beside calendar addresses (the address can be copied by hand without them).
  var buttons = document.querySelectorAll("button[data-copy]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () {
      var field = document.getElementById(this.getAttribute("data-copy"));
      var status = field.parentNode.parentNode.querySelector(".copy-status");
      var say = function (text) {
        if (!status) return;
        status.textContent = "";
        setTimeout(function () { status.textContent = text; }, 100);
      };
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { say("Copied"); }, function () { say("Press Ctrl+C or ⌘C to copy"); });
      } else {
        say(document.execCommand && document.execCommand("copy") ? "Copied" : "Press Ctrl+C or ⌘C to copy");
      }
    });
  }
})();
