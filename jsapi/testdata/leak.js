import http from "k6/http";

// Every iteration uses timers and async requests; the test stops the VUs in the middle of
// iterations, so cancellation paths are taken too.
export default async function () {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  let ticks = 0;
  const iv = setInterval(() => ticks++, 1);
  const responses = await Promise.all([
    http.asyncRequest("GET", __ENV.TARGET + "/a"),
    http.asyncRequest("GET", __ENV.TARGET + "/b"),
    http.asyncRequest("POST", __ENV.TARGET + "/c", "body"),
  ]);
  await sleep(Math.random() * 20);
  clearInterval(iv);
  setTimeout(() => {}, 5);
  for (const r of responses) {
    if (r.status !== 200) throw new Error("status " + r.status);
  }
}
