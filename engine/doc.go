// Package engine schedules virtual users: it runs a script's setup, drives its scenarios'
// executors over abstract VUs (see Runner and VU), and runs teardown. It never imports a
// JavaScript runtime; jsapi implements Runner and cmd wires them.
package engine
