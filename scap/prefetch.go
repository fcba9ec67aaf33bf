package scap

import (
	"encoding/binary"

	"github.com/traceproj/trace/internal/bin"
)

// Prefetcher reads a capture's events on its own goroutine, ahead of the
// consumer, and hands them over in batches: reading, decompressing and
// splitting blocks then runs on a second core, in parallel with what the
// consumer does with the events. Events keep their order; sections met
// mid-stream are reported through OnSection on the consumer's goroutine,
// just before the first event that follows them; a read error is returned
// after the events read before it, a warning (IsWarning) in its place
// among them.
type Prefetcher struct {
	// OnSection is called with each section that starts after the
	// first one, as Reader.OnSection is.
	OnSection func(*Metadata)

	r    *Reader
	ch   chan *pbatch
	free chan *pbatch
	quit chan struct{}

	// The consumer's per-event state sits on cache lines of its own:
	// sharing one with what the reading goroutine writes (the Reader is
	// allocated next to it) made the filter pass 40% slower.
	_   [64]byte
	cur *pbatch
	i   int   // next event of cur
	pos int   // its entry's position in cur.data
	off int64 // its offset in the file
	m   int   // next mark of cur
	err error
	_   [64]byte
}

// A batch holds its events as entries in data, one after the other: the
// block's length n (uint32), then the block as read but with its type
// (mapped to the current numbers) in place of the first four bytes. No
// table of events is written beside: the consumer walks data itself.
// Storing 24 bytes of such a table per event on the reading core cost
// more than everything else it did (the lines had last been read on the
// consumer's core), and the consumer reads the blocks anyway.
//
// An event's offset in the file is the previous one's plus its length;
// where that does not hold (at a batch's first event, after other
// blocks) a mark says it.
type pbatch struct {
	data  []byte
	n     int // events
	marks []pmark
	err   error
}

// pmark is a rare thing in the stream, before event at of its batch: a
// new section, a warning, or where the next event lies in the file.
type pmark struct {
	at     int
	sect   *Metadata
	warn   error
	offset int64 // with setOff
	setOff bool
}

const (
	prefetchEvents = 4096
	prefetchBytes  = 1 << 20
	prefetchDepth  = 4
)

// NewPrefetcher starts reading r's events in the background. The
// Prefetcher owns r from then on (r.OnSection is replaced); call Close
// when done, even before the end of the input.
func NewPrefetcher(r *Reader) *Prefetcher {
	p := &Prefetcher{
		r:    r,
		ch:   make(chan *pbatch, prefetchDepth),
		free: make(chan *pbatch, prefetchDepth+2),
		quit: make(chan struct{}),
	}
	for i := 0; i < prefetchDepth+2; i++ {
		p.free <- &pbatch{data: make([]byte, 0, prefetchBytes+64<<10)}
	}
	go p.produce()
	return p
}

func (p *Prefetcher) produce() {
	var sect *Metadata
	p.r.OnSection = func(m *Metadata) { sect = m }
	for {
		var b *pbatch
		select {
		case b = <-p.free:
		case <-p.quit:
			return
		}
		b.data, b.n, b.marks, b.err = b.data[:0], 0, b.marks[:0], nil
		next := int64(-1) // where the next event lies if it follows the last
		for b.n < prefetchEvents && len(b.data) < prefetchBytes {
			bt, blk, start, err := p.r.nextEventBlock()
			if err != nil {
				if IsWarning(err) {
					b.marks = append(b.marks, pmark{at: b.n, warn: err})
					continue
				}
				b.err = err
				break
			}
			if sect != nil {
				b.marks = append(b.marks, pmark{at: b.n, sect: sect})
				sect = nil
			}
			if start != next {
				b.marks = append(b.marks, pmark{at: b.n, offset: start, setOff: true})
			}
			next = start + int64(len(blk))
			b.data = binary.LittleEndian.AppendUint32(b.data, uint32(len(blk)))
			b.data = binary.LittleEndian.AppendUint32(b.data, bt)
			b.data = append(b.data, blk[4:]...)
			b.n++
		}
		select {
		case p.ch <- b:
		case <-p.quit:
			return
		}
		if b.err != nil {
			return
		}
	}
}

// NextInto reads the next event; like Reader.NextInto, the event's bytes
// stay valid only until the next call.
func (p *Prefetcher) NextInto(ev *Event) error {
	for {
		b := p.cur
		if b != nil && p.i < b.n && (p.m >= len(b.marks) || b.marks[p.m].at > p.i) {
			d := b.data[p.pos:]
			n := int(bin.LE32(d))
			blk := d[4 : 4+n]
			start := p.off
			p.i++
			p.pos += 4 + n
			p.off += int64(n)
			return decodeBlock(ev, bin.LE32(blk), blk, start)
		}
		if b != nil && p.m < len(b.marks) {
			mk := &b.marks[p.m]
			p.m++
			switch {
			case mk.warn != nil:
				return mk.warn
			case mk.setOff:
				p.off = mk.offset
			case p.OnSection != nil:
				p.OnSection(mk.sect)
			}
			continue
		}
		// cur is used up.
		if p.err != nil {
			return p.err
		}
		if b != nil {
			err := b.err
			p.cur = nil
			p.free <- b
			if err != nil {
				p.err = err
				return err
			}
		}
		p.cur = <-p.ch
		p.i, p.m, p.pos = 0, 0, 0
	}
}

// Close stops the reading goroutine. It does not close the Reader.
func (p *Prefetcher) Close() {
	select {
	case <-p.quit:
	default:
		close(p.quit)
	}
}
