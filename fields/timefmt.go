package fields

import (
	"strconv"
	"time"

	"github.com/traceproj/trace/state"
)

// TimeMode is sysdig's -t: how evt.outputtime is shown.
type TimeMode byte

// Time modes.
const (
	TimeHuman    TimeMode = 'h' // local HH:MM:SS.nnnnnnnnn
	TimeAbsolute TimeMode = 'a' // seconds.nanoseconds since the epoch
	TimeRelative TimeMode = 'r' // since the first event of the capture
	TimeLatency  TimeMode = 'd' // enter-to-exit latency
	TimeDelta    TimeMode = 'D' // since the previous printed event
)

// Clock caches the formatted hour-minute-second of the last second seen,
// since consecutive events almost always share it.
type Clock struct {
	loc     *time.Location
	sec     int64
	hms     [8]byte
	date    [10]byte
	haveSec bool
}

func (c *Clock) fill(sec int64) {
	if c.haveSec && sec == c.sec {
		return
	}
	loc := c.loc
	if loc == nil {
		loc = time.Local
	}
	t := time.Unix(sec, 0).In(loc)
	h, m, s := t.Clock()
	c.hms = [8]byte{byte('0' + h/10), byte('0' + h%10), ':', byte('0' + m/10), byte('0' + m%10), ':', byte('0' + s/10), byte('0' + s%10)}
	y, mo, d := t.Date()
	c.date = [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + int(mo)/10), byte('0' + int(mo)%10), '-', byte('0' + d/10), byte('0' + d%10)}
	c.sec = sec
	c.haveSec = true
}

// AppendTime appends HH:MM:SS[.nnnnnnnnn] in the clock's zone.
func (c *Clock) AppendTime(b []byte, ts uint64, nanos bool) []byte {
	c.fill(int64(ts / 1e9))
	b = append(b, c.hms[:]...)
	if nanos {
		b = append(b, '.')
		b = appendNanos(b, ts%1e9)
	}
	return b
}

// AppendDateTime appends YYYY-MM-DD HH:MM:SS[.nnnnnnnnn].
func (c *Clock) AppendDateTime(b []byte, ts uint64, nanos bool) []byte {
	c.fill(int64(ts / 1e9))
	b = append(b, c.date[:]...)
	b = append(b, ' ')
	return c.AppendTime(b, ts, nanos)
}

func appendNanos(b []byte, ns uint64) []byte {
	var d [9]byte
	for i := 8; i >= 0; i-- {
		d[i] = byte('0' + ns%10)
		ns /= 10
	}
	return append(b, d[:]...)
}

// appendSecNs appends "S.nnnnnnnnn" for a duration in ns.
func appendSecNs(b []byte, ns uint64) []byte {
	b = strconv.AppendUint(b, ns/1e9, 10)
	b = append(b, '.')
	return appendNanos(b, ns%1e9)
}

// OutputTime tracks what evt.outputtime needs across events.
type OutputTime struct {
	Mode   TimeMode
	Clk    Clock
	prevTs uint64
	seen   bool
}

// Append appends evt.outputtime for ev.
func (o *OutputTime) Append(b []byte, ev *state.Event) []byte {
	switch o.Mode {
	case TimeAbsolute:
		// sysdig prints the nanoseconds without zero padding here.
		b = strconv.AppendUint(b, ev.Ts/1e9, 10)
		b = append(b, '.')
		return strconv.AppendUint(b, ev.Ts%1e9, 10)
	case TimeRelative:
		return appendSecNs(b, ev.Ts-ev.Engine().FirstTs)
	case TimeLatency:
		// The thread's last enter-to-exit latency: enter events reset it,
		// events that skip that reset (scheduler switches) show it as is.
		if ev.Thread != nil {
			return appendSecNs(b, ev.Thread.Latency)
		}
		return appendSecNs(b, 0)
	case TimeDelta:
		var d uint64
		if o.seen && ev.Ts >= o.prevTs {
			d = ev.Ts - o.prevTs
		}
		o.prevTs, o.seen = ev.Ts, true
		return appendSecNs(b, d)
	}
	return o.Clk.AppendTime(b, ev.Ts, true)
}
