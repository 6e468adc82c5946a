// A check whose condition throws is a failed check, then the exception goes on (k6): each
// iteration records one passed and one failed check and ends in an error.
import { check } from 'k6';

export const options = { iterations: 3 };

export default function () {
  check(null, {
    'first': () => true,
    'throws': (v) => v.missing.field,
    'never evaluated': () => true,
  });
}
