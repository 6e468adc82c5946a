import { explode } from "./lib/explode.js";

export default function () {
  explode("boom");
}

export function inInit() {}
