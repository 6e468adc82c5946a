import { broken } from "./bad_module.js";

export default function () {
  broken();
}
