package k6core

import (
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"time"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// New returns the k6 core module.
func New() modules.Module { return modules.ModuleFunc(newInstance) }

// instance is the module for one VU; it is used by that VU's goroutine only. Its functions
// are built on first access (lazyExports) and the global Error is read only when fail throws,
// because each costs the VU memory whether the script uses it or not.
type instance struct {
	vu       modules.VU
	rt       *goja.Runtime
	checks   *metrics.Metric
	groupDur *metrics.Metric
	tagged   tagCache // nil until the first check or group needs it
}

func newInstance(vu modules.VU) (*goja.Object, error) {
	rt := vu.Runtime()
	in := &instance{
		vu: vu, rt: rt,
		checks:   vu.Registry().Get(metrics.Checks),
		groupDur: vu.Registry().Get(metrics.GroupDuration),
	}
	return rt.NewDynamicObject(modules.NewLazyObject(rt, exportFactories, in)), nil
}

// check(value, {name: fn|bool, ...}, tags?) evaluates every condition, emits one `checks`
// sample per condition and returns whether all passed. As in k6, a condition that throws is
// recorded as a failed check, then its exception is rethrown and the later conditions are not
// evaluated. A condition cut short because the VU was stopped records nothing.
func (in *instance) check(call goja.FunctionCall) goja.Value {
	val := call.Argument(0)
	sets, ok := call.Argument(1).(*goja.Object)
	if !ok {
		panic(in.rt.NewTypeError("check: the second argument must be an object of conditions"))
	}
	base, extra := in.vu.Tags(), tagsArg(call.Argument(2))
	if len(extra) > 0 {
		base = base.Merge(extra)
	}
	rec := in.vu.Recorder()
	pass := true
	for _, name := range sets.Keys() {
		cond := sets.Get(name)
		ok := cond.ToBoolean()
		if fn, isFn := goja.AssertFunction(cond); isFn {
			res, err := fn(goja.Undefined(), val)
			if err != nil {
				in.recordThrown(base, extra, name, err)
				panic(err)
			}
			ok = res.ToBoolean()
		}
		v := 0.0
		if ok {
			v = 1
		}
		rec.Add(in.checks, in.checkTags(base, extra, name), v)
		pass = pass && ok
	}
	return in.rt.ToValue(pass)
}

// recordThrown records the failed check of a condition that threw err, unless err is the
// interrupt of a stopped VU (nothing is recorded after a stop).
func (in *instance) recordThrown(base *metrics.Tags, extra map[string]string, name string, err error) {
	var ex *goja.Exception
	if !errors.As(err, &ex) || in.vu.Context().Err() != nil {
		return
	}
	in.vu.Recorder().Add(in.checks, in.checkTags(base, extra, name), 0)
}

// checkTags returns the tags of check name's sample: the VU's tags are cached, a call's extra
// tags are not (they vary).
func (in *instance) checkTags(base *metrics.Tags, extra map[string]string, name string) *metrics.Tags {
	if extra == nil {
		return in.tagged.with(base, "check", name)
	}
	return base.With("check", name)
}

// group(name, fn) runs fn with the group tag extended by "::name", emits group_duration and
// returns fn's result. Exceptions propagate after the group tag is restored.
func (in *instance) group(call goja.FunctionCall) goja.Value {
	name := call.Argument(0).String()
	fn, _ := goja.AssertFunction(call.Argument(1))
	if in.vu.InInit() {
		panic(in.rt.NewTypeError("group() cannot be called in init code"))
	}
	if strings.Contains(name, "::") {
		panic(in.rt.NewTypeError(fmt.Sprintf("group name %q must not contain '::'", name)))
	}
	if fn == nil {
		panic(in.rt.NewTypeError("group: the second argument must be a function"))
	}
	prev := in.vu.Tags()
	parent, _ := prev.Get("group")
	tags := in.tagged.with(prev, "group", parent+"::"+name)
	in.vu.SetTags(tags)
	start := time.Now()
	res, err := fn(goja.Undefined())
	in.vu.SetTags(restoreGroup(in.vu.Tags(), tags, prev, parent))
	in.vu.Recorder().Add(in.groupDur, tags, float64(time.Since(start))/float64(time.Millisecond))
	if err != nil {
		panic(err)
	}
	return res
}

// restoreGroup returns the tags after a group: the tags from before it when the group's
// function left them as the group set them, else (it set a VU tag through k6/execution) the
// current tags with the group tag put back to parent, so the new tag stays, as in k6.
func restoreGroup(cur, inGroup, prev *metrics.Tags, parent string) *metrics.Tags {
	if cur == inGroup {
		return prev
	}
	return cur.With("group", parent)
}

// sleep(seconds) pauses the VU; when the VU's context is cancelled it stops at once and
// interrupts the iteration.
func (in *instance) sleep(call goja.FunctionCall) goja.Value {
	d := time.Duration(call.Argument(0).ToFloat() * float64(time.Second))
	if d <= 0 {
		return goja.Undefined()
	}
	ctx := in.vu.Context()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		modules.StopIfCancelled(in.vu)
	}
	return goja.Undefined()
}

// fail(msg) throws an Error with msg, ending the iteration unless caught. It reads the global
// Error constructor only now: goja builds it on first access, about 3 KB a VU.
func (in *instance) fail(msg goja.Value) {
	s := "fail"
	if msg != nil && !goja.IsUndefined(msg) {
		s = msg.String()
	}
	obj, err := in.rt.New(in.rt.Get("Error").ToObject(in.rt), in.rt.ToValue(s))
	if err != nil {
		panic(err)
	}
	panic(obj)
}

// randomSeed(n) makes this VU's Math.random() a deterministic sequence: the numbers of Go's
// math/rand source seeded with n, the source k6 uses, so a seed gives the same numbers as
// under k6.
func (in *instance) randomSeed(seed int64) {
	in.rt.SetRandSource(rand.New(rand.NewSource(seed)).Float64) //nolint:gosec // k6's sequence, not for secrets
}

// tagsArg converts an optional JS object of tags to a map.
func tagsArg(v goja.Value) map[string]string {
	o, ok := v.(*goja.Object)
	if !ok {
		return nil
	}
	keys := o.Keys()
	m := make(map[string]string, len(keys))
	for _, k := range keys {
		m[k] = o.Get(k).String()
	}
	return m
}
