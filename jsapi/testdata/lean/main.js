import cjs, { a, b, c } from './cjs.js';
import { sleep } from 'k6';

export const first = 1;
export const second = 2;
export default function () {
  globalThis.result = [a, b, c(), cjs.a, typeof sleep, first, second].join(',');
  console.custom = 'mine';
  globalThis.consoleKeys = Object.keys(console).join(',');
  globalThis.sameLog = console.log === console.log;
  globalThis.uuidLen = crypto.randomUUID().length;
}
