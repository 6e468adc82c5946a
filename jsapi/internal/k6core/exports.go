package k6core

import (
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// exportFactories build the module's functions for one instance. They are shared by all VUs;
// an instance builds a function on first access only, so a VU that imports just sleep pays
// for one goja function (about 0.7 KB) instead of four.
var exportFactories = modules.NewLazyTable(map[string]func(in *instance) any{
	"check": func(in *instance) any { return in.check },
	"group": func(in *instance) any { return in.group },
	"sleep": func(in *instance) any { return in.sleep },
	"fail":  func(in *instance) any { return in.fail },

	"randomSeed": func(in *instance) any { return in.randomSeed },
})
