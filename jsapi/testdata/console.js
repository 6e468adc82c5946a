console.log("init", { a: 1 });
export default function () {
  console.warn("careful", 42, [1, 2]);
  console.error(new Error("bad thing"));
}
