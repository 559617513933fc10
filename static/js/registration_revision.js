// The portal's revision form (portal/registration/form.html, kind "revision").
(function () {
  // Show the details of the changes that are chosen (everything stays visible without JavaScript).
  var boxes = document.querySelectorAll("[data-change-type]");
  var blocks = document.querySelectorAll("[data-details]");
  function update() {
    var chosen = {};
    boxes.forEach(function (box) { if (box.checked) { chosen[box.value] = true; } });
    blocks.forEach(function (block) {
      var show = block.getAttribute("data-details").split(" ").some(function (v) { return chosen[v]; });
      block.hidden = !show && !block.querySelector(".is-invalid");
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", update); });
  update();
})();
