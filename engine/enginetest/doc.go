// Package enginetest has Go-func fakes of the engine's contracts for tests: a Runner whose
// VUs run Go funcs instead of JavaScript, and a map-based metrics Recorder.
//
//	r := &enginetest.Runner{OnIterate: func(ctx context.Context, c enginetest.Call) error {
//		return sleep(ctx, time.Second)
//	}}
//	rec := enginetest.NewRecorder()
//	eng, _ := engine.New(engine.Config{Runner: r, NewRecorder: rec.Factory(), ...})
//	_ = eng.Run(ctx)
//	rec.Sum(metrics.Iterations, map[string]string{"scenario": "default"})
package enginetest
