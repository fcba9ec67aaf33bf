package scap

import (
	"errors"
	"fmt"
	"io"
	"unsafe"

	"github.com/traceproj/trace/internal/bin"
)

// Header sizes of the event header (ppm_evt_hdr).
const (
	EventHeaderV1 = 22 // ts, tid, len, type
	EventHeaderV2 = 26 // ts, tid, len, type, nparams
)

// Event is one event of a capture. Its byte slices point into the reader's
// buffer and stay valid only until the next call to NextInto; Clone makes a
// copy that outlives it.
type Event struct {
	Block   uint32 // block type it came from
	CPU     uint16
	Flags   uint32 // FlagStateOnly, ... (event-with-flags blocks)
	Offset  int64  // offset of the block in the uncompressed stream
	Ts      uint64 // ns since epoch
	Tid     uint64
	Type    uint16
	NParams uint32

	// The event (header, length array, values) is base[lo:hi]. base is
	// the buffer it lies in (a reader's window), stored again only when
	// an event lies outside it: storing a pointer per event would cost a
	// write barrier each while the GC marks.
	base    []byte
	lo, hi  int
	own     []byte // copyFrom's buffer
	hdrLen  uint8
	lenSize uint8

	offsDone bool
	offs     []uint32 // start of each value, then the end: offs[:nOffs]
	nOffs    int      // NParams+1, or fewer when malformed
	bad      bool
}

// Raw returns the event bytes as stored (header, lengths, values).
func (e *Event) Raw() []byte { return e.base[e.lo:e.hi] }

// setRaw points e at b.
func (e *Event) setRaw(b []byte) {
	if base := e.base; len(base) > 0 && len(b) > 0 {
		d := uintptr(unsafe.Pointer(unsafe.SliceData(b))) - uintptr(unsafe.Pointer(unsafe.SliceData(base)))
		if d < uintptr(len(base)) && uintptr(len(b)) <= uintptr(len(base))-d {
			e.lo, e.hi = int(d), int(d)+len(b)
			return
		}
	}
	e.base = b[:cap(b)]
	e.lo, e.hi = 0, len(b)
}

// HeaderLen is 22 for events from v1 blocks and 26 otherwise.
func (e *Event) HeaderLen() int { return int(e.hdrLen) }

// LenSize is the width of a parameter length: 2, or 4 for large-payload events.
func (e *Event) LenSize() int { return int(e.lenSize) }

// IsEnter reports whether the event is an enter event (even id).
func (e *Event) IsEnter() bool { return e.Type&1 == 0 }

func (e *Event) computeOffsets() {
	e.offsDone = true
	n := int(e.NParams)
	if cap(e.offs) < n+1 {
		e.offs = make([]uint32, n+1, n+9)
	}
	offs := e.offs[:n+1]
	raw := e.Raw()
	end := len(raw)
	pos := int(e.hdrLen) + n*int(e.lenSize)
	if pos > end {
		e.bad = true
		offs[0] = uint32(end)
		e.nOffs = 1
		return
	}
	// One loop per length width, the length array's bounds checked once.
	// A value that runs past the event ends the params that fit (offs[i],
	// the start of the bad one, ends the last of them).
	if e.lenSize == 2 {
		lens := raw[e.hdrLen:pos]
		for i := 0; i < n && 2*i+1 < len(lens); i++ {
			offs[i] = uint32(pos)
			pos += int(lens[2*i]) | int(lens[2*i+1])<<8
			if pos > end {
				e.bad = true
				e.nOffs = i + 1
				return
			}
		}
	} else {
		lens := raw[e.hdrLen:pos]
		for i := 0; i < n && 4*i+3 < len(lens); i++ {
			offs[i] = uint32(pos)
			pos += int(bin.LE32(lens[4*i:]))
			if pos > end {
				e.bad = true
				e.nOffs = i + 1
				return
			}
		}
	}
	offs[n] = uint32(pos)
	e.nOffs = n + 1
}

// NumParams returns how many parameters can be read (NParams, or fewer when
// the event is malformed).
func (e *Event) NumParams() int {
	if !e.offsDone {
		e.computeOffsets()
	}
	return e.nOffs - 1
}

// Param returns the value bytes of parameter i, or nil if there is no such
// parameter. A zero-length parameter is returned as an empty non-nil slice.
func (e *Event) Param(i int) []byte {
	offs := e.offsets()
	if i < 0 || i+1 >= len(offs) {
		return nil
	}
	return e.base[e.lo+int(offs[i]) : e.lo+int(offs[i+1]) : e.lo+int(offs[i+1])]
}

// offsets returns the start of each parameter value, then the end of the
// last one, computing them on first use.
func (e *Event) offsets() []uint32 {
	if !e.offsDone {
		e.computeOffsets()
	}
	return e.offs[:e.nOffs]
}

// Malformed reports whether the parameter lengths overrun the event.
func (e *Event) Malformed() bool {
	if !e.offsDone {
		e.computeOffsets()
	}
	return e.bad
}

// Clone returns a deep copy of e that does not share the reader's buffer.
func (e *Event) Clone() *Event {
	c := *e
	c.base = append([]byte(nil), e.Raw()...)
	c.lo, c.hi = 0, len(c.base)
	c.own = nil
	c.offs, c.nOffs = nil, 0
	c.offsDone = false
	return &c
}

// SetRaw points e at an event encoded in the v2 layout (26-byte header with
// nparams). It is how producers other than the file reader (the live
// capture, tests) build events.
func (e *Event) SetRaw(raw []byte, cpu uint16, flags uint32) error {
	if len(raw) < EventHeaderV2 {
		return fmt.Errorf("%w: event of %d bytes is shorter than its header", ErrCorrupt, len(raw))
	}
	e.Block = BlockEVv2
	e.CPU = cpu
	e.Flags = flags
	return e.decodeHeader(raw, EventHeaderV2)
}

func (e *Event) decodeHeader(b []byte, hdrLen int) error {
	if len(b) < hdrLen {
		return fmt.Errorf("event of %d bytes is shorter than its %d-byte header", len(b), hdrLen)
	}
	e.Ts = bin.LE64(b)
	e.Tid = bin.LE64(b[8:])
	l := bin.LE32(b[16:])
	e.Type = bin.LE16(b[20:])
	if int(l) < hdrLen || int(l) > len(b) {
		return fmt.Errorf("event length %d does not fit its block (%d bytes)", l, len(b))
	}
	e.setRaw(b[:l])
	e.hdrLen = uint8(hdrLen)
	e.lenSize = lenSizeOf(e.Type)
	e.offsDone = false
	e.bad = false
	if hdrLen == EventHeaderV2 {
		e.NParams = bin.LE32(b[22:])
		if uint64(e.NParams)*uint64(e.lenSize) > uint64(l)-uint64(hdrLen) {
			return fmt.Errorf("event declares %d parameters, more than its length %d allows", e.NParams, l)
		}
	} else {
		e.NParams = inferParams(b[:l], e.Type, int(e.lenSize))
	}
	return nil
}

// inferParams finds how many parameters a v1 event (no nparams field)
// holds: the largest count, from the table's down to zero, whose lengths
// add up exactly to the event length.
func inferParams(raw []byte, typ uint16, lenSize int) uint32 {
	n := 0
	if info := Info(typ); info != nil {
		n = len(info.Params)
	} else if info := InfoHead(typ); info != nil {
		n = len(info.Params)
	}
	if typ == 280 || typ == 286 { // notification, infrastructure: older layouts carry 3 fewer
		if n >= 3 {
			n -= 3
		}
	}
	total := len(raw)
	for k := n; k > 0; k-- {
		need := EventHeaderV1 + k*lenSize
		if need > total {
			continue
		}
		sum := need
		for i := 0; i < k; i++ {
			if lenSize == 2 {
				sum += int(bin.LE16(raw[EventHeaderV1+2*i:]))
			} else {
				sum += int(bin.LE32(raw[EventHeaderV1+4*i:]))
			}
		}
		if sum == total {
			return uint32(k)
		}
	}
	return 0
}

// NextInto reads the next event into ev. It returns io.EOF at the end of
// the capture, and a *BlockError (wrapping ErrTruncated or ErrCorrupt) when
// the input breaks; every event before the break has been returned. A
// warning (IsWarning: a malformed event in an intact block, which was
// skipped) is returned in the event's place, and the next call reads on.
func (r *Reader) NextInto(ev *Event) error {
	if r.nextFast(ev) {
		return nil
	}
	bt, blk, start, err := r.nextEventBlock()
	if err != nil {
		return err
	}
	return decodeBlock(ev, bt, blk, start)
}

// nextFast decodes the next event in one go when it is the common case:
// a well-formed event in an intact v2 event block (with or without
// flags) lying whole in the window, in a section whose events are being
// read, with no warning queued. Otherwise it consumes nothing and reports
// false: NextInto then takes the general way, which makes the same
// checks (fastBlock, decodeEventBlock, decodeHeader) and says what failed.
func (r *Reader) nextFast(ev *Event) bool {
	w := r.win
	const least = 8 + 2 + EventHeaderV2 + 4
	if len(w) < least || len(r.warns) != 0 || r.pending != nil || !r.inEvents {
		return false
	}
	bt := bin.LE32(w)
	pre := 6
	switch bt {
	case BlockEVFv2:
	case BlockEVv2:
		pre = 2
	default:
		return false
	}
	total := int(bin.LE32(w[4:]))
	if total < least+pre-2 || total%4 != 0 || total > maxEventBlock || total > len(w) {
		return false
	}
	blk := w[:total]
	if int(bin.LE32(blk[total-4:])) != total {
		return false
	}
	body := blk[8 : total-4]
	b := body[pre:]
	l := int(bin.LE32(b[16:]))
	if l < EventHeaderV2 || l > len(b) {
		return false
	}
	typ := bin.LE16(b[20:])
	lenSize := lenSizeOf(typ)
	np := bin.LE32(b[22:])
	if uint64(np)*uint64(lenSize) > uint64(l-EventHeaderV2) {
		return false
	}
	r.win = w[total:]
	r.winUsed += total
	ev.Offset = r.off
	r.off += int64(total)
	ev.Block = bt
	ev.CPU = bin.LE16(body)
	ev.Flags = 0
	if pre == 6 {
		ev.Flags = bin.LE32(body[2:])
	}
	ev.Ts = bin.LE64(b)
	ev.Tid = bin.LE64(b[8:])
	ev.Type = typ
	ev.NParams = np
	ev.hdrLen = EventHeaderV2
	ev.lenSize = lenSize
	ev.offsDone = false
	ev.bad = false
	ev.setRaw(b[:l])
	return true
}

// decodeBlock points ev at the event in blk, a whole event block of type
// bt (header, body, trailer) read at offset start.
func decodeBlock(ev *Event, bt uint32, blk []byte, start int64) error {
	n := len(blk)
	return decodeEventBlock(ev, bt, blk[8:n-4], start, bin.LE32(blk[n-4:]) == uint32(n))
}

// Each calls fn with every remaining event, in one Event reused from call
// to call (Clone what must outlive it), until the end of the capture (nil),
// a read error or an error of fn, which it returns.
func (r *Reader) Each(fn func(ev *Event) error) error {
	var ev Event
	for {
		err := r.NextInto(&ev)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(&ev); err != nil {
			return err
		}
	}
}

// nextEventBlock reads blocks until the next event block and returns it
// whole (header, body and trailer; at least 12 bytes) with its type (bt:
// old type numbers mapped to current ones) and offset,
// handling the metadata blocks met on the way.
//
// The block is intact when its trailing length matches its leading one:
// only then is a bad event inside it skipped rather than fatal. A warning
// queued by the metadata is returned as err first.
func (r *Reader) nextEventBlock() (bt uint32, blk []byte, start int64, err error) {
	for {
		start = r.off
		if len(r.warns) > 0 {
			err = r.warns[0]
			r.warns = r.warns[1:]
			return 0, nil, start, err
		}
		bt, blk = r.fastBlock()
		if blk == nil {
			bt, blk, err = r.readBlock(metaLimit)
		}
		if err == io.EOF {
			if !r.sawEvent {
				return 0, nil, start, ErrNoEvents
			}
			return 0, nil, start, io.EOF
		}
		if err != nil {
			return 0, nil, start, err
		}
		if !isEventBlock(bt) {
			if err := r.otherBlock(bt, blk, start); err != nil {
				return 0, nil, start, err
			}
			continue
		}
		if r.pending != nil {
			m := r.pending
			r.pending = nil
			if r.OnSection != nil {
				r.OnSection(m)
			}
		}
		r.inEvents = true
		r.sawEvent = true
		return bt, blk, start, nil
	}
}

// decodeEventBlock points ev at the event in the body of an event block.
// A bad event in an intact block is a warning (ErrMalformedEvent), with
// ev.Type the type its header declares (0xffff when it has none).
func decodeEventBlock(ev *Event, bt uint32, body []byte, start int64, intact bool) error {
	hdr := EventHeaderV2
	pre := 2
	flags := uint32(0)
	switch bt {
	case BlockEVv1:
		hdr = EventHeaderV1
	case BlockEVFv1:
		hdr = EventHeaderV1
		pre = 6
	case BlockEVFv2, BlockEVFv2Large:
		pre = 6
	}
	if len(body) < pre {
		ev.Type = 0xffff
		return badEvent(start, intact, "block too short")
	}
	if pre == 6 {
		flags = bin.LE32(body[2:])
	}
	ev.Block = bt
	ev.CPU = bin.LE16(body)
	ev.Flags = flags
	ev.Offset = start
	if err := ev.decodeHeader(body[pre:], hdr); err != nil {
		return badEvent(start, intact, err.Error())
	}
	return nil
}

// badEvent is the error for an event that does not fit its block: a
// warning when the block's framing is intact, else a corruption that
// ends the reading (the next block cannot be trusted to start where this
// one says it ends).
func badEvent(start int64, intact bool, detail string) error {
	if intact {
		return &BlockError{Offset: start, What: "event block", Err: ErrMalformedEvent, Detail: detail}
	}
	return &BlockError{Offset: start, What: "event block", Err: ErrCorrupt, Detail: detail}
}

// otherBlock handles a non-event block met while reading events: a new
// section header starts a new section; other metadata blocks after events
// extend the pending section (how merged captures work).
func (r *Reader) otherBlock(bt uint32, blk []byte, start int64) error {
	if bt == BlockSHB {
		m, err := r.sectionHeader(blk, start)
		if err != nil {
			return err
		}
		r.meta = m
		r.pending = m
		r.inEvents = false
		return nil
	}
	if r.inEvents && r.pending == nil {
		// Metadata after events without a new section header: treat it
		// as a fresh section that inherits nothing.
		r.meta = &Metadata{Major: r.meta.Major, Minor: r.meta.Minor}
		r.pending = r.meta
		r.inEvents = false
	}
	body, err := metaBody(bt, blk, start)
	if err != nil {
		return err
	}
	return r.parseMetadata(bt, body, start)
}

// IsTruncated reports whether err says the input ended inside a block.
func IsTruncated(err error) bool { return errors.Is(err, ErrTruncated) }

// Decode points e at raw event bytes with a header of hdrLen bytes (22 for
// events of v1 blocks, 26 otherwise), as stored by Raw.
func (e *Event) Decode(raw []byte, hdrLen int, cpu uint16) error {
	e.Block = BlockEVv2
	if hdrLen == EventHeaderV1 {
		e.Block = BlockEVv1
	}
	e.CPU = cpu
	e.Flags = 0
	return e.decodeHeader(raw, hdrLen)
}

// lenSizeOf is the width of the parameter lengths of events of type typ.
func lenSizeOf(typ uint16) uint8 {
	if int(typ) < len(largeTypes) && largeTypes[typ] {
		return 4
	}
	return 2
}

// largeTypes marks the event types whose parameter lengths take 4 bytes
// (EF_LARGE_PAYLOAD in the current or the 0.29.3 table): a compact table
// for the per-event header decode.
var largeTypes = func() []bool {
	n := NumEventsHead
	if NumEvents029 > n {
		n = NumEvents029
	}
	l := make([]bool, n)
	for t := range l {
		if info := InfoHead(uint16(t)); info != nil && info.Large() {
			l[t] = true
		} else if info := Info(uint16(t)); info != nil && info.Large() {
			l[t] = true
		}
	}
	return l
}()
