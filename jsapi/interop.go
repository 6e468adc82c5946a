package jsapi

import "strings"

// helperRewrites replace loops in esbuild's CommonJS interop helpers (__export, __copyProps)
// by index loops over Object.getOwnPropertyNames. Every VU runs these helpers in its init
// code; a for-in loop makes goja materialise all of Object.prototype and a for-of loop the
// array iterator machinery, together about 11 KB per VU that the script may never use. Each
// replacement has the same number of lines as the original, so the source map stays valid.
// Both forms visit the same keys: __export's argument is an object literal of getters (own,
// enumerable, string keys) and __copyProps already iterates getOwnPropertyNames. A fresh
// `let key` per iteration keeps each getter closure on its own key.
var helperRewrites = []struct{ old, new string }{
	{
		old: "  for (var name in all)\n    __defProp(target, name, { get: all[name], enumerable: true });",
		new: "  for (var names = Object.getOwnPropertyNames(all), i = 0, name; i < names.length; i++)\n" +
			"    name = names[i], __defProp(target, name, { get: all[name], enumerable: true });",
	},
	{
		old: "    for (let key of __getOwnPropNames(from))\n",
		new: "    for (let keys = __getOwnPropNames(from), i = 0, key = keys[0]; i < keys.length; key = keys[++i])\n",
	},
}

// leanHelpers applies helperRewrites to an esbuild bundle. A helper esbuild did not emit (or
// emitted in another form) is left as it is: the rewrites save memory, never change behaviour.
func leanHelpers(src string) string {
	for _, r := range helperRewrites {
		src = strings.Replace(src, r.old, r.new, 1)
	}
	return src
}
