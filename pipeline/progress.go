package pipeline

import (
	"fmt"
	"io"

	"github.com/traceproj/trace/scap"
)

// progress prints the share of the input file read so far on stderr.
type progress struct {
	w    io.Writer
	rd   *scap.Reader
	last string
}

func (p *progress) start(rd *scap.Reader) { p.rd = rd; p.last = "" }

func (p *progress) update() {
	size := p.rd.Size()
	if size <= 0 {
		return
	}
	s := fmt.Sprintf("%.2f", float64(p.rd.InputOffset())*100/float64(size))
	if s != p.last {
		fmt.Fprintf(p.w, "\r\r\r%s", s)
		p.last = s
	}
}

func (p *progress) finish() { fmt.Fprintf(p.w, "\r\r\r100.00\n") }

func (p *progress) abort() { fmt.Fprintln(p.w) }
