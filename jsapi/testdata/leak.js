import http from "k6/http";
import ws from "k6/ws";
import { WebSocket } from "k6/websockets";

// Every iteration uses timers, async requests and both WebSocket modules; the test stops the VUs in the middle of
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
  await new Promise((resolve, reject) => {
    const sock = new WebSocket(__ENV.WS);
    sock.onopen = () => sock.send("ping me");
    sock.onmessage = () => sock.close();
    sock.onerror = (e) => reject(new Error(e.error));
    sock.onclose = resolve;
  });
  ws.connect(__ENV.WS, (socket) => {
    socket.on("open", () => socket.send("x"));
    socket.on("message", () => socket.close());
  });
  await sleep(Math.random() * 20);
  clearInterval(iv);
  setTimeout(() => {}, 5);
  for (const r of responses) {
    if (r.status !== 200) throw new Error("status " + r.status);
  }
}
