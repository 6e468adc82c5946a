import { SharedArray } from "k6/data";

const users = new SharedArray("users", function () {
  globalThis.built = true;
  return JSON.parse(open("./data/users.json"));
});

export default function () {
  const u = users[1];
  u.name = "mutated";
  const names = users.map((x) => x.name).join(",");
  globalThis.seen = `${users.length}:${users[1].name}:${names}:${users[7] === undefined}`;
}
