// loadGreeting opens a file relative to this module's directory.
export function loadGreeting() {
  return open("./greeting.txt");
}
