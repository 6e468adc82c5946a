// explode throws an Error with msg.
export function explode(msg) {
  const detail = { msg };
  throw new Error("exploded: " + detail.msg);
}
