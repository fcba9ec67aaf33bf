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
	i   int
	err error
	_   [64]byte
}

type pref struct {
	off    uint32
	n      uint32
	block  uint32
	intact bool
	offset int64
	sect   *Metadata
	warn   error // a warning in this place of the stream (no event)
}

type pbatch struct {
	data []byte
	evs  []pref
	err  error
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
		b.data, b.evs, b.err = b.data[:0], b.evs[:0], nil
		for len(b.evs) < prefetchEvents && len(b.data) < prefetchBytes {
			bt, body, start, intact, err := p.r.nextEventBlock()
			if err != nil {
				if IsWarning(err) {
					b.evs = append(b.evs, pref{offset: start, warn: err})
					continue
				}
				b.err = err
				break
			}
			b.evs = append(b.evs, pref{off: uint32(len(b.data)), n: uint32(len(body)), block: bt, intact: intact, offset: start, sect: sect})
			sect = nil
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
	for p.cur == nil || p.i >= len(p.cur.evs) {
		if p.err != nil {
			return p.err
		}
		if p.cur != nil {
			if p.cur.err != nil {
				p.err = p.cur.err
				p.free <- p.cur
				p.cur = nil
				return p.err
			}
			p.free <- p.cur
		}
		p.cur = <-p.ch
		p.i = 0
	}
	e := &p.cur.evs[p.i]
	p.i++
	if e.warn != nil {
		return e.warn
	}
	if e.sect != nil && p.OnSection != nil {
		p.OnSection(e.sect)
	}
	return decodeEventBlock(ev, e.block, p.cur.data[e.off:e.off+e.n], e.offset, e.intact)
}

// Close stops the reading goroutine. It does not close the Reader.
func (p *Prefetcher) Close() {
	select {
	case <-p.quit:
	default:
		close(p.quit)
	}
}
