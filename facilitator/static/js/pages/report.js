// The report page: its one button opens the browser's print dialog (save as PDF there).
document.getElementById("print")?.addEventListener("click", () => window.print());
