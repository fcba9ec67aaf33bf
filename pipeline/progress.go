package pipeline

import (
	"fmt"
	"io"
	"time"

	"github.com/traceproj/trace/scap"
)

// progress prints the share of the input file read so far on stderr
// (-P, and -w reading files): sysdig's bare percentage, or on a terminal
// the percentage with the event rate and the time left.
type progress struct {
	w     io.Writer
	tty   bool
	rd    *scap.Reader
	last  string
	begin time.Time
	shown time.Time
}

func (p *progress) start(rd *scap.Reader) {
	p.rd, p.last = rd, ""
	p.begin, p.shown = time.Now(), time.Time{}
}

// share returns the percentage of the file read (bytes of the file as
// stored, compressed or not).
func (p *progress) share() (float64, bool) {
	size := p.rd.Size()
	if size <= 0 {
		return 0, false
	}
	return float64(p.rd.InputOffset()) * 100 / float64(size), true
}

func (p *progress) update(events int64) {
	pct, ok := p.share()
	if !ok {
		return
	}
	if !p.tty {
		s := fmt.Sprintf("%.2f", pct)
		if s != p.last {
			fmt.Fprintf(p.w, "\r\r\r%s", s)
			p.last = s
		}
		return
	}
	now := time.Now()
	if now.Sub(p.shown) < 200*time.Millisecond {
		return
	}
	p.shown = now
	el := now.Sub(p.begin)
	eta := "?"
	if pct > 0 {
		eta = (time.Duration(float64(el) * (100 - pct) / pct)).Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r%6.2f%%  %s events/s  %s left   ", pct, rate(events, el), eta)
}

// rate formats events per second.
func rate(events int64, el time.Duration) string {
	if el <= 0 {
		return "-"
	}
	r := float64(events) / el.Seconds()
	switch {
	case r >= 1e6:
		return fmt.Sprintf("%.1fM", r/1e6)
	case r >= 1e3:
		return fmt.Sprintf("%.1fk", r/1e3)
	}
	return fmt.Sprintf("%.0f", r)
}

// finish ends the progress line: 100% at the end of the file, or where
// reading stopped when it was stopped early.
func (p *progress) finish(events int64, stopped bool) {
	pct := 100.0
	if stopped {
		pct, _ = p.share()
	}
	if !p.tty {
		fmt.Fprintf(p.w, "\r\r\r%.2f\n", pct)
		return
	}
	el := time.Since(p.begin)
	fmt.Fprintf(p.w, "\r%6.2f%%  %d events in %s (%s events/s)   \n", pct, events, el.Round(time.Millisecond), rate(events, el))
}

func (p *progress) abort() { fmt.Fprintln(p.w) }
