package output

import (
	"strconv"
	"time"
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

// clock caches the formatted hour-minute-second of the last second seen,
// since consecutive events almost always share it.
type clock struct {
	loc     *time.Location
	sec     int64
	hms     [8]byte
	date    [10]byte
	haveSec bool
}

func (c *clock) fill(sec int64) {
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

// appendHMS appends HH:MM:SS.nnnnnnnnn in the clock's zone.
func (c *clock) appendTime(b []byte, ts uint64, nanos bool) []byte {
	c.fill(int64(ts / 1e9))
	b = append(b, c.hms[:]...)
	if nanos {
		b = append(b, '.')
		b = appendNanos(b, ts%1e9)
	}
	return b
}

func (c *clock) appendDateTime(b []byte, ts uint64, nanos bool) []byte {
	c.fill(int64(ts / 1e9))
	b = append(b, c.date[:]...)
	b = append(b, ' ')
	return c.appendTime(b, ts, nanos)
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
