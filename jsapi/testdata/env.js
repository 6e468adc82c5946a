export default function () {
  globalThis.seen = [__ENV.A, __ENV.B, __VU, __ITER].join("/");
}
