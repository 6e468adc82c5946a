export default function (data) {
  if (data !== undefined) throw new Error("data should be undefined without setup");
}
export function teardown(data) {
  globalThis.teardownArg = typeof data;
}
