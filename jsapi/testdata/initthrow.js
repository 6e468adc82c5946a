const x = 1;
throw new Error("init failed " + x);
export default function () {}
