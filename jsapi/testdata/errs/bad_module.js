export function broken() {
  return 1;
}

export const oops = {;
