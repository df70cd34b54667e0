// Poll a running import and move its progress bar; reload the page when it has finished.
(function () {
  const box = document.getElementById("job");
  if (!box || box.dataset.status !== "running") return;
  const bar = document.getElementById("job-progress");
  const count = document.getElementById("job-count");
  let failures = 0;
  async function poll() {
    let p;
    try {
      const answer = await fetch(box.dataset.progressUrl, { credentials: "same-origin" });
      p = await answer.json();  // a login page or a proxy's error page is not JSON
    } catch (error) {
      failures += 1;
      if (failures >= 5) {
        window.location.reload();  // let the server say what is wrong (e.g. log in again)
      } else {
        setTimeout(poll, 1500 * failures);
      }
      return;
    }
    failures = 0;
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
