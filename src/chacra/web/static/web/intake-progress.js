// Poll a running import and move its progress bar; reload the page when it has finished.
(function () {
  const box = document.getElementById("job");
  if (!box || box.dataset.status !== "running") return;
  const bar = document.getElementById("job-progress");
  const count = document.getElementById("job-count");
  async function poll() {
    const answer = await fetch(box.dataset.progressUrl, { credentials: "same-origin" });
    const p = await answer.json();
    bar.max = Math.max(p.total, 1);
    bar.value = p.done;
    count.textContent = p.done + " / " + p.total;
    if (p.status === "running") {
      setTimeout(poll, 700);
    } else {
      window.location.reload();
    }
  }
  setTimeout(poll, 300);
})();
