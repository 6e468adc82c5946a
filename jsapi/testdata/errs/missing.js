import { nope } from "./does_not_exist.js";
export default function () { nope(); }
