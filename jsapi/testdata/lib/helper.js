// helper doubles a number.
export function helper(x) {
  return x * 2;
}
