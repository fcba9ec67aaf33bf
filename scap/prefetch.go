package scap

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
	i   int // next event of cur
	m   int // next mark of cur
	err error
	_   [64]byte
}

// pref is one event of a batch. It holds no pointers, so that filling a
// batch costs plain stores (no write barriers while the collector runs).
type pref struct {
	off    uint32
	n      uint32
	block  uint32
	intact bool
	offset int64
}

// pmark is a rare thing in the stream, before event at of its batch: a
// new section or a warning.
type pmark struct {
	at   int
	sect *Metadata
	warn error
}

type pbatch struct {
	data  []byte
	evs   []pref
	marks []pmark
	err   error
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
		p.free <- &pbatch{data: make([]byte, 0, prefetchBytes+64<<10), evs: make([]pref, 0, prefetchEvents)}
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
		b.data, b.evs, b.marks, b.err = b.data[:0], b.evs[:0], b.marks[:0], nil
		for len(b.evs) < prefetchEvents && len(b.data) < prefetchBytes {
			bt, body, start, intact, err := p.r.nextEventBlock()
			if err != nil {
				if IsWarning(err) {
					b.marks = append(b.marks, pmark{at: len(b.evs), warn: err})
					continue
				}
				b.err = err
				break
			}
			if sect != nil {
				b.marks = append(b.marks, pmark{at: len(b.evs), sect: sect})
				sect = nil
			}
			b.evs = append(b.evs, pref{off: uint32(len(b.data)), n: uint32(len(body)), block: bt, intact: intact, offset: start})
			b.data = append(b.data, body...)
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
		if b != nil && p.i < len(b.evs) && (p.m >= len(b.marks) || b.marks[p.m].at > p.i) {
			e := &b.evs[p.i]
			p.i++
			return decodeEventBlock(ev, e.block, b.data[e.off:e.off+e.n], e.offset, e.intact)
		}
		if b != nil && p.m < len(b.marks) {
			mk := &b.marks[p.m]
			p.m++
			if mk.warn != nil {
				return mk.warn
			}
			if p.OnSection != nil {
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
		p.i, p.m = 0, 0
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
