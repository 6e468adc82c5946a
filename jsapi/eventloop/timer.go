package eventloop

import (
	"slices"
	"time"
)

// SetTimer schedules fn to run as a task after delay (at once when delay <= 0), and again
// every delay after each run when repeat, and returns the timer's id (1, 2, ... for the life
// of the loop). Timers due at the same time run in the order they were set. A timer keeps the
// run going until it has run (or, repeating, until it is cleared). It must be called during
// Run.
func (l *Loop) SetTimer(delay time.Duration, repeat bool, fn func() error) uint64 {
	if !l.running {
		panic("eventloop: SetTimer called outside Run")
	}
	l.timerSeq++
	l.schedule(&timer{id: l.timerSeq, delay: max(delay, 0), repeat: repeat, fn: fn})
	return l.timerSeq
}

// schedule inserts t, due delay from now, after the timers due at the same time or before.
func (l *Loop) schedule(t *timer) {
	t.due = time.Now().Add(t.delay)
	i := slices.IndexFunc(l.timers, func(o *timer) bool { return o.due.After(t.due) })
	if i < 0 {
		i = len(l.timers)
	}
	l.timers = slices.Insert(l.timers, i, t)
}

// ClearTimer cancels timer id; an unknown or finished id is ignored. A repeating timer may
// clear itself from its own callback.
func (l *Loop) ClearTimer(id uint64) {
	if l.firing != nil && l.firing.id == id {
		l.firing.cleared = true
		return
	}
	l.timers = slices.DeleteFunc(l.timers, func(t *timer) bool { return t.id == id })
}

// Timers returns how many timers are scheduled.
func (l *Loop) Timers() int { return len(l.timers) }

// fire runs the due timer next took off the schedule; a repeating timer is scheduled again
// after its callback, unless the callback cleared it or failed.
func (l *Loop) fire() error {
	t := l.firing
	err := t.fn()
	l.firing = nil
	if err == nil && t.repeat && !t.cleared {
		l.schedule(t)
	}
	return err
}
