package scap

import "io"

// readAhead reads from r on a goroutine of its own, into a few chunks
// ahead of its consumer. Read hands the chunks' bytes out in order, then
// the error that ended the reading (io.EOF at the end). Only the
// producing goroutine touches r until Close.
type readAhead struct {
	full chan raChunk // read chunks, in order
	free chan []byte  // chunks the consumer is done with
	quit chan struct{}

	cur raChunk // being handed out
	pos int
}

type raChunk struct {
	b   []byte
	err error // after b: nil, io.EOF or the read error
}

const (
	raChunkSize = 1 << 20
	raChunks    = 2 // one read out while the next is filled (4 cost 4 MB of RSS, no time)
)

func newReadAhead(r io.Reader) *readAhead {
	a := &readAhead{
		full: make(chan raChunk, raChunks),
		free: make(chan []byte, raChunks),
		quit: make(chan struct{}),
	}
	for i := 0; i < raChunks; i++ {
		a.free <- make([]byte, raChunkSize)
	}
	go a.produce(r)
	return a
}

func (a *readAhead) produce(r io.Reader) {
	for {
		var b []byte
		select {
		case b = <-a.free:
		case <-a.quit:
			return
		}
		n, err := io.ReadFull(r, b[:cap(b)])
		if err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		select {
		case a.full <- raChunk{b[:n], err}:
		case <-a.quit:
			return
		}
		if err != nil {
			return
		}
	}
}

func (a *readAhead) Read(p []byte) (int, error) {
	for a.pos >= len(a.cur.b) {
		if a.cur.err != nil {
			return 0, a.cur.err
		}
		if a.cur.b != nil {
			a.free <- a.cur.b[:0]
		}
		a.cur, a.pos = <-a.full, 0
	}
	n := copy(p, a.cur.b[a.pos:])
	a.pos += n
	return n, nil
}

// Close stops the reading goroutine (it may still finish a read of r).
func (a *readAhead) Close() error {
	select {
	case <-a.quit:
	default:
		close(a.quit)
	}
	return nil
}
