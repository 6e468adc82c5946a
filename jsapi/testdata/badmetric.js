import { Counter } from "k6/metrics";
const bad = new Counter("bad{name}");
export default function () {}
