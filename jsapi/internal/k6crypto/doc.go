// Package k6crypto is the `k6/crypto` (alias `nnjs/crypto`) JavaScript module: one-shot hashes
// (md5, sha1, sha256, sha384, sha512, sha512_224, sha512_256), hmac, createHash, createHMAC and
// randomBytes. Digests are returned as "hex", "base64", "base64url", "base64rawurl" or, for
// "binary", an ArrayBuffer.
//
//	reg.Register(k6crypto.New(), "k6/crypto", "nnjs/crypto")
package k6crypto
