// A participant's own record: the print button (the phone's print dialog saves a PDF).
for (const button of document.querySelectorAll("[data-do=print]")) {
  button.addEventListener("click", () => window.print());
}
