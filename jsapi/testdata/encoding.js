import encoding from "k6/encoding";
import { b64encode, b64decode } from "k6/encoding";
import crypto from "k6/crypto";

function eq(name, got, want) {
  if (got !== want) throw new Error(`${name}: got ${got}, want ${want}`);
}

export default function () {
  eq("std", b64encode("hi?>"), "aGk/Pg==");
  eq("rawstd", b64encode("hi?>", "rawstd"), "aGk/Pg");
  eq("url", encoding.b64encode("hi?>", "url"), "aGk_Pg==");
  eq("rawurl", b64encode("hi?>", "rawurl"), "aGk_Pg");
  eq("decode s", b64decode("aGk_Pg", "rawurl", "s"), "hi?>");
  eq("decode buffer", new Uint8Array(b64decode("AAEC")).join(","), "0,1,2");
  eq("encode buffer", b64encode(new Uint8Array([0, 1, 2]).buffer), "AAEC");

  eq("md5", crypto.md5("abc", "hex"), "900150983cd24fb0d6963f7d28e17f72");
  eq("sha1", crypto.sha1("abc", "hex"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  eq("sha256", crypto.sha256("abc", "hex"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  eq("sha256 b64", crypto.sha256("abc", "base64"), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  eq("sha384", crypto.sha384("abc", "hex").slice(0, 16), "cb00753f45a35e8b");
  eq("sha512", crypto.sha512("abc", "hex").slice(0, 16), "ddaf35a193617aba");
  eq("hmac", crypto.hmac("sha256", "key", "The quick brown fox jumps over the lazy dog", "hex"),
    "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  const h = crypto.createHash("sha256");
  h.update("a");
  h.update("bc");
  eq("createHash", h.digest("hex"), crypto.sha256("abc", "hex"));
  const m = crypto.createHMAC("sha256", "key");
  m.update("The quick brown fox jumps over the lazy dog");
  eq("createHMAC", m.digest("base64"), "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=");
  eq("randomBytes", crypto.randomBytes(16).byteLength, 16);
  eq("binary", crypto.md5("abc").byteLength, 16);

  const uuid = globalThis.crypto.randomUUID();
  eq("uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuid), true);
  const arr = new Uint8Array(64);
  globalThis.crypto.getRandomValues(arr);
  eq("getRandomValues", arr.some((x) => x !== 0), true);
  globalThis.done = true;
}

export function badAlphabet() {
  b64encode("x", "nope");
}
