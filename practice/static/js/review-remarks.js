// Session form: typing a remark for a homework ticks its "Reviewed" box, since only reviewed
// homework is printed. A box the counselor changed by hand is left as they set it. Without
// JavaScript the help text says so, and saving warns about any remark left unprinted.
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-ticks]").forEach(function (remarks) {
    var box = document.getElementById(remarks.getAttribute("data-ticks"));
    if (!box) return;
    var setByHand = false;
    box.addEventListener("change", function () { setByHand = true; });
    remarks.addEventListener("input", function () {
      if (!setByHand && !box.checked && remarks.value.trim() !== "") box.checked = true;
    });
  });
})();
