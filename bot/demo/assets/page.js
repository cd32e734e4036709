// A screenshot of chosen parts: #shot=<view>,<element id>,<element id>... shows only those.
(function () {
  var match = location.hash.match(/^#shot=(\d),(.+)$/);
  if (!match) return;
  var radio = document.getElementById("as-" + match[1]);
  if (radio) radio.checked = true;
  document.body.classList.add("shot");
  match[2].split(",").forEach(function (id) {
    var element = document.getElementById(id);
    if (!element) return;
    element.classList.add("shot-keep");
    for (var up = element.parentElement; up; up = up.parentElement) up.classList.add("shot-path");
  });
  window.scrollTo(0, 0);
})();
