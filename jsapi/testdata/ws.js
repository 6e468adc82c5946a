import ws from "k6/ws";
import { check } from "k6";

export default function () {
  const log = [];
  globalThis.log = log;
  const res = ws.connect(__ENV.WS, { tags: { room: "b" } }, function (socket) {
    socket.on("open", () => {
      log.push("open");
      socket.send("hello");
      socket.sendBinary(new Uint8Array([4, 5]).buffer);
      socket.ping();
      socket.setTimeout(() => socket.send("close"), 20);
    });
    socket.on("message", (m) => log.push("message " + m));
    socket.on("binaryMessage", (b) => log.push("binary " + new Uint8Array(b).join(",")));
    socket.on("pong", () => log.push("pong"));
    socket.on("close", (code) => log.push("close " + code));
  });
  globalThis.ok = check(res, { "status is 101": (r) => r && r.status === 101 });
}

export function interval() {
  let n = 0;
  ws.connect(__ENV.WS, function (socket) {
    socket.setInterval(() => {
      n++;
      if (n === 3) socket.close();
    }, 5);
    socket.on("close", () => { globalThis.atClose = n; });
  });
  globalThis.n = n;
}

export function hold() {
  ws.connect(__ENV.WS, function (socket) {
    socket.on("close", () => { globalThis.closed = true; });
  });
  globalThis.after = true;
}
