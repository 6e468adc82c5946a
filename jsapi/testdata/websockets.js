import { WebSocket } from "k6/websockets";
import { WebSocket as Experimental } from "k6/experimental/websockets";

export default function () {
  const log = [];
  globalThis.log = log;
  globalThis.sameClass = typeof Experimental === "function" && Experimental.OPEN === WebSocket.OPEN;
  const ws = new WebSocket(__ENV.WS, null, { tags: { room: "a" } });
  let n = 0;
  ws.onopen = () => {
    log.push("open " + ws.readyState);
    ws.send("hello");
    ws.send(new Uint8Array([1, 2, 3]));
    ws.ping();
  };
  ws.addEventListener("message", (e) => {
    log.push(typeof e.data === "string" ? "text " + e.data : "binary " + new Uint8Array(e.data).join(","));
    if (++n === 2) ws.close();
  });
  ws.onpong = () => log.push("pong");
  ws.onclose = (e) => log.push("close " + e.code + " " + ws.readyState);
}

export function hold() {
  const ws = new WebSocket(__ENV.WS);
  ws.onopen = () => { globalThis.opened = true; };
  ws.onclose = () => { globalThis.closed = true; };
}

export function refused() {
  const ws = new WebSocket("ws://127.0.0.1:1/");
  ws.onerror = (e) => { globalThis.error = e.error; };
  ws.onclose = (e) => { globalThis.code = e.code; };
}
