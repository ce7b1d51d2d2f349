// The print view's "Print" button. It stays hidden without JavaScript (the page says Ctrl+P).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
