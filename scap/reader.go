package scap

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/traceproj/trace/internal/bin"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Errors returned (wrapped) by the reader. Test for them with errors.Is.
var (
	// ErrNotCapture: the input does not start with a section header block.
	ErrNotCapture = errors.New("not a scap capture")
	// ErrVersion: the section header carries a major version this reader does not know.
	ErrVersion = errors.New("unsupported scap version")
	// ErrTruncated: the input ends inside a block.
	ErrTruncated = errors.New("truncated")
	// ErrCorrupt: a block's framing or content is inconsistent.
	ErrCorrupt = errors.New("corrupted")
	// ErrNoEvents: the capture holds metadata but not a single event block.
	ErrNoEvents = errors.New("no events in file")
	// ErrMalformedEvent: an event inside an intact block (its leading and
	// trailing lengths agree) does not fit that block. The reader has
	// skipped it; the next call reads on. See IsWarning.
	ErrMalformedEvent = errors.New("malformed event")
	// ErrTrailer: a section header's trailing length disagrees with its
	// leading one. The reader has gone on with the one that frames a
	// consistent header (the leading one, unless the header is a 28-byte
	// one without options whose leading length is damaged). See IsWarning.
	ErrTrailer = errors.New("section header trailer mismatch")
	// ErrTooLarge: a block declares a length past what its type can
	// realistically hold; nothing of it was buffered.
	ErrTooLarge = errors.New("block too large")
)

// IsWarning reports whether err, returned by NextInto, is a recoverable
// problem: the reader skipped or tolerated something and the next call
// goes on with the rest of the capture.
func IsWarning(err error) bool {
	return errors.Is(err, ErrMalformedEvent) || errors.Is(err, ErrTrailer)
}

// Compression is the container format of a capture file.
type Compression int

// Supported compressions.
const (
	CompressNone Compression = iota
	CompressGzip
	CompressZstd
)

// ParseCompression returns the compression a -z/--compress value names:
// "" or "none", "gzip", "zstd".
func ParseCompression(s string) (Compression, bool) {
	switch s {
	case "", "none":
		return CompressNone, true
	case "gzip":
		return CompressGzip, true
	case "zstd":
		return CompressZstd, true
	}
	return CompressNone, false
}

func (c Compression) String() string {
	switch c {
	case CompressGzip:
		return "gzip"
	case CompressZstd:
		return "zstd"
	}
	return "none"
}

// Size limits that keep corrupted lengths from exhausting memory: a block
// longer than its type's limit is rejected before any of it is buffered.
// Each is far above what real captures hold (see metaLimit).
const (
	maxEventBlock   = 65536 + 8 // non-large event blocks (sysdig's READER_BUF_SIZE)
	maxLargeBlock   = 64 << 20  // large event blocks
	maxSHBBlock     = 64 << 10  // 28 bytes, plus pcapng options (comments)
	maxMIBlock      = 4 << 10   // a fixed 180-byte body
	maxILBlock      = 16 << 20  // ~30-80 bytes per interface
	maxULBlock      = 64 << 20  // ~40-100 bytes per user or group
	maxFDLBlock     = 128 << 20 // one thread's fds, ~20-100 bytes each
	maxPLBlock      = 256 << 20 // every thread of the host, ~0.3-3 KB each
	readerBufSize   = 256 << 10 // bufio buffer; most blocks are read in place
	bigBlockChunk   = 1 << 20   // big blocks grow by this much as data arrives
	bigBlockWhole   = 16 << 20  // past this much data, a big block's whole length is allocated
	minBlockLength  = 12        // header and trailer
	shbFixedLength  = 28        // a section header without options
	skipUnknownType = -1        // metaLimit: discard the block unread
)

// BlockError describes a bad block: where it starts in the uncompressed
// stream and what is wrong. It wraps ErrTruncated or ErrCorrupt.
type BlockError struct {
	Offset int64  // offset of the block in the uncompressed stream
	What   string // e.g. "event block", "process list block"
	Err    error  // ErrTruncated, ErrCorrupt, or an I/O error
	Detail string
}

func (e *BlockError) Error() string {
	var s string
	var se *streamError
	switch {
	case errors.As(e.Err, &se):
		s = fmt.Sprintf("%s (reading the %s at byte %d)", se.msg, e.What, e.Offset)
	case errors.Is(e.Err, ErrTruncated):
		s = fmt.Sprintf("truncated %s at byte %d", e.What, e.Offset)
	case errors.Is(e.Err, ErrMalformedEvent):
		s = fmt.Sprintf("skipped a malformed event at byte %d", e.Offset)
	case errors.Is(e.Err, ErrTrailer):
		s = fmt.Sprintf("damaged %s at byte %d", e.What, e.Offset)
	case errors.Is(e.Err, ErrTooLarge):
		s = fmt.Sprintf("oversized %s at byte %d", e.What, e.Offset)
	case errors.Is(e.Err, ErrCorrupt):
		s = fmt.Sprintf("corrupted %s at byte %d", e.What, e.Offset)
	default:
		s = fmt.Sprintf("%s at byte %d: %v", e.What, e.Offset, e.Err)
	}
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

func (e *BlockError) Unwrap() error { return e.Err }

// Reader reads a capture file block by block.
type Reader struct {
	br       *bufio.Reader
	closers  []io.Closer
	comp     Compression
	off      int64 // offset of the next block in the uncompressed stream
	meta     *Metadata
	inEvents bool // an event block has been seen in this section
	sawEvent bool // an event block has been seen at all
	big      []byte
	pending  *Metadata // metadata that arrived after events, not yet handed out
	input    *countingReader
	size     int64
	// plainSize is the size of an uncompressed regular file (0 when
	// unknown): no block may run past it.
	plainSize int64
	// warns are recoverable problems met while reading metadata, handed
	// out by the next read (see IsWarning).
	warns []error
	// OnSection, if set, is called when a new section (section header
	// and metadata blocks) starts after events, with the new metadata,
	// before the section's first event is returned.
	OnSection func(*Metadata)

	// win is the part of br's buffer not yet handed out, as one slice:
	// event blocks that lie whole in it are cut from it without a call
	// into bufio; winUsed bytes of br's buffer were handed out from win
	// and are still to be discarded.
	win     []byte
	winUsed int
}

// fastBlock cuts the next block from the window when it is an ordinary
// event block lying whole in it (nil otherwise: the caller reads it the
// general way). Such a block cannot run past the end of the file, and
// its length passes the checks readBlock makes.
func (r *Reader) fastBlock() (bt uint32, blk []byte) {
	w := r.win
	if len(w) < 8 {
		if r.winUsed != 0 || len(w) != 0 {
			return 0, nil
		}
		// Fresh window: whatever br holds already (no read).
		w, _ = r.br.Peek(r.br.Buffered())
		r.win = w
		if len(w) < 8 {
			return 0, nil
		}
	}
	bt = bin.LE32(w)
	total := bin.LE32(w[4:])
	switch bt {
	case BlockEVFv2, BlockEVv2, BlockEVFv1, BlockEVv1:
	default:
		return 0, nil
	}
	if total < minBlockLength || total%4 != 0 || total > maxEventBlock || int(total) > len(w) {
		return 0, nil
	}
	r.win = w[total:]
	r.winUsed += int(total)
	r.off += int64(total)
	return bt, w[:total]
}

// syncWin gives br back the bytes handed out from the window, before br
// is read directly.
func (r *Reader) syncWin() {
	if r.winUsed != 0 {
		r.br.Discard(r.winUsed)
	}
	r.win, r.winUsed = nil, 0
}

// Open opens a capture file and reads its metadata blocks.
func Open(path string) (*Reader, error) { return open(path, false) }

// OpenReadAhead is Open, but an uncompressed regular file is read on a
// goroutine of its own, a few MiB ahead of the Reader's consumer: the
// read system calls then run on another core while the events are
// decoded. (A compressed file is read as by Open: see Prefetcher, which
// runs decompression itself on another core.)
func OpenReadAhead(path string) (*Reader, error) { return open(path, true) }

func open(path string, ahead bool) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("is a directory")
	}
	var size int64
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	var src io.Reader = f
	var ra *readAhead
	if ahead && size > 0 && !compressedMagic(f) {
		ra = newReadAhead(f)
		src = ra
	}
	cr := &countingReader{r: src} // (what the consumer has read)
	r, err := newReader(cr, size)
	if err != nil {
		if ra != nil {
			ra.Close()
		}
		f.Close()
		return nil, err
	}
	r.closers = append(r.closers, f)
	if ra != nil {
		r.closers = append(r.closers, ra) // (closed first: closers run last to first)
	}
	r.input = cr
	r.size = size
	return r, nil
}

// compressedMagic reports whether the file starts like a gzip or zstd
// stream.
func compressedMagic(f *os.File) bool {
	var m [4]byte
	n, _ := f.ReadAt(m[:], 0)
	return n >= 2 && m[0] == 0x1f && m[1] == 0x8b || n == 4 && m == [4]byte{0x28, 0xb5, 0x2f, 0xfd}
}

// byteCount counts the bytes of the reads or writes it is handed.
type byteCount struct{ n int64 }

func (c *byteCount) add(n int, err error) (int, error) {
	c.n += int64(n)
	return n, err
}

// countingReader counts the bytes read from the file, for progress.
type countingReader struct {
	r io.Reader
	byteCount
}

func (c *countingReader) Read(p []byte) (int, error) { return c.add(c.r.Read(p)) }

// Size returns the size of the file being read (0 when not a file).
func (r *Reader) Size() int64 { return r.size }

// InputOffset returns how many bytes of the file have been consumed
// (compressed bytes for compressed files).
func (r *Reader) InputOffset() int64 {
	if r.input == nil {
		return 0
	}
	n := r.input.n - int64(r.br.Buffered()-r.winUsed)
	if r.comp != CompressNone {
		n = r.input.n
	}
	if n < 0 {
		n = 0
	}
	return n
}

// NewReader detects the compression of rd and reads the capture's metadata
// blocks, up to the first event block.
func NewReader(rd io.Reader) (*Reader, error) { return newReader(rd, 0) }

// newReader is NewReader for an input of size bytes (0: unknown).
func newReader(rd io.Reader, size int64) (*Reader, error) {
	r := &Reader{}
	br := bufio.NewReaderSize(rd, readerBufSize)
	magic, _ := br.Peek(4)
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: bad gzip header: %v", ErrNotCapture, err)
		}
		r.comp = CompressGzip
		r.closers = append(r.closers, zr)
		br = bufio.NewReaderSize(zr, readerBufSize)
	case len(magic) >= 4 && bytes.Equal(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(false))
		if err != nil {
			return nil, fmt.Errorf("%w: bad zstd header: %v", ErrNotCapture, err)
		}
		r.comp = CompressZstd
		r.closers = append(r.closers, zstdCloser{zr})
		br = bufio.NewReaderSize(zr, readerBufSize)
	}
	r.br = br
	if r.comp == CompressNone {
		r.plainSize = size
	}
	if err := r.readHeader(); err != nil {
		return nil, err
	}
	return r, nil
}

type zstdCloser struct{ d *zstd.Decoder }

func (z zstdCloser) Close() error { z.d.Close(); return nil }

// Compression reports how the input was compressed.
func (r *Reader) Compression() Compression { return r.comp }

// Metadata returns the metadata of the current section.
func (r *Reader) Metadata() *Metadata { return r.meta }

// Offset returns the uncompressed offset of the next block.
func (r *Reader) Offset() int64 { return r.off }

// Close releases the input.
func (r *Reader) Close() error {
	var first error
	for i := len(r.closers) - 1; i >= 0; i-- {
		if err := r.closers[i].Close(); err != nil && first == nil {
			first = err
		}
	}
	r.closers = nil
	return first
}

func blockName(bt uint32) string {
	switch bt {
	case BlockSHB:
		return "section header block"
	case BlockMI:
		return "machine info block"
	case BlockPLv1, BlockPLv2, BlockPLv3, BlockPLv4, BlockPLv5, BlockPLv6, BlockPLv7, BlockPLv8, BlockPLv9:
		return "process list block"
	case BlockFDLv1, BlockFDLv2:
		return "fd list block"
	case BlockILv1, BlockILv2:
		return "interface list block"
	case BlockULv1, BlockULv2:
		return "user list block"
	case BlockEVv1, BlockEVv2, BlockEVv2Large, BlockEVFv1, BlockEVFv2, BlockEVFv2Large:
		return "event block"
	}
	return fmt.Sprintf("block of type 0x%x", bt)
}

func isEventBlock(bt uint32) bool {
	switch bt {
	case BlockEVv1, BlockEVv2, BlockEVv2Large, BlockEVFv1, BlockEVFv2, BlockEVFv2Large:
		return true
	}
	return false
}

// streamError is a failure of the decompressor: a damaged or cut gzip or
// zstd stream. It wraps ErrCorrupt or ErrTruncated and the decompressor's
// own error.
type streamError struct {
	kind error // ErrCorrupt or ErrTruncated
	err  error
	msg  string
}

func (e *streamError) Error() string   { return e.msg }
func (e *streamError) Unwrap() []error { return []error{e.kind, e.err} }

// ioErr turns a failed read into ErrTruncated, or a streamError saying
// what is wrong with the compressed stream.
func (r *Reader) ioErr(err error) error {
	switch {
	case errors.Is(err, gzip.ErrChecksum):
		return &streamError{ErrCorrupt, err, "gzip checksum (CRC-32) mismatch: the compressed data is damaged"}
	case errors.Is(err, gzip.ErrHeader):
		return &streamError{ErrCorrupt, err, "bad gzip member header: the compressed data is damaged"}
	case errors.Is(err, zstd.ErrWindowSizeExceeded):
		return &streamError{ErrCorrupt, err, fmt.Sprintf("zstd frame window larger than this reader's %d MiB limit (compressed with --long?): decompress it first with zstd -d --long=31", zstd.MaxWindowSize>>20)}
	case errors.Is(err, zstd.ErrCRCMismatch):
		return &streamError{ErrCorrupt, err, "zstd checksum mismatch: the compressed data is damaged"}
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF || err == bufio.ErrBufferFull || errors.Is(err, io.ErrUnexpectedEOF) {
		switch r.comp {
		case CompressGzip:
			return &streamError{ErrTruncated, err, "truncated gzip stream: it ends without its trailer"}
		case CompressZstd:
			if err == io.ErrUnexpectedEOF {
				return &streamError{ErrTruncated, err, "truncated zstd stream: it ends inside a frame"}
			}
		}
		return ErrTruncated
	}
	if r.comp == CompressZstd && !errors.Is(err, os.ErrClosed) {
		return &streamError{ErrCorrupt, err, "damaged zstd stream: " + err.Error()}
	}
	return err
}

// readBlock reads the next whole block, header and trailer included; it is
// valid until the next read. At a clean end of input it returns io.EOF. A
// block of a type limitFor says to skip is read past without being
// buffered: it comes back with a nil blk.
func (r *Reader) readBlock(limitFor func(uint32) int) (bt uint32, blk []byte, err error) {
	r.syncWin()
	start := r.off
	hdr, err := r.br.Peek(8)
	if len(hdr) == 0 && err == io.EOF {
		return 0, nil, io.EOF
	}
	if err != nil {
		return 0, nil, &BlockError{Offset: start, What: "block header", Err: r.ioErr(err)}
	}
	bt = bin.LE32(hdr)
	if bt != BlockEVv2 && bt != BlockEVFv2 {
		if a, ok := blockAliases[bt]; ok {
			bt = a
		}
	}
	total := int64(bin.LE32(hdr[4:]))
	if total < minBlockLength || total%4 != 0 {
		return bt, nil, &BlockError{Offset: start, What: blockName(bt), Err: ErrCorrupt,
			Detail: fmt.Sprintf("bad block length %d", total)}
	}
	if r.plainSize > 0 && start+total > r.plainSize {
		// The length runs past the end of an uncompressed file: a cut
		// file or a damaged length, known before reading any of it.
		return bt, nil, &BlockError{Offset: start, What: blockName(bt), Err: ErrTruncated,
			Detail: fmt.Sprintf("its length %d runs %d bytes past the end of the file", total, start+total-r.plainSize)}
	}
	lim := limitFor(bt)
	if lim == skipUnknownType {
		return bt, nil, r.skipBlock(bt, start, total)
	}
	if total > int64(lim) {
		return bt, nil, &BlockError{Offset: start, What: blockName(bt), Err: ErrTooLarge,
			Detail: fmt.Sprintf("declared length %d exceeds the %d bytes such a block can realistically hold", total, lim)}
	}
	n := int(total)
	if n <= r.br.Size() {
		blk, err = r.br.Peek(n)
		if err != nil {
			return bt, nil, &BlockError{Offset: start, What: blockName(bt), Err: r.ioErr(err)}
		}
		r.br.Discard(n)
	} else if blk, err = r.readBig(bt, start, n); err != nil {
		return bt, nil, err
	}
	r.off += total
	return bt, blk, nil
}

// readBig reads a block of n bytes that does not fit the bufio buffer.
func (r *Reader) readBig(bt uint32, start int64, n int) (blk []byte, err error) {
	// Grow the buffer as the data arrives rather than trusting the
	// declared length: a corrupted length must not allocate a
	// gigabyte before the input runs out. The entries of list
	// blocks that carry their lengths are followed as they arrive,
	// so that garbage (a run of zeros behind a big length) is
	// rejected at its first entry rather than at the trailer.
	walk, walking := newEntryWalk(bt)
	r.big = r.big[:0]
	for len(r.big) < n {
		chunk := n - len(r.big)
		if chunk > bigBlockChunk {
			chunk = bigBlockChunk
		}
		if cap(r.big)-len(r.big) < chunk {
			// Doubling, up to 16 MiB of data that did arrive; past
			// that, the whole length at once: fresh memory costs
			// nothing until the data is written, and there is no
			// copying garbage (which doubled the peak).
			c := 2 * cap(r.big)
			if c < len(r.big)+chunk {
				c = len(r.big) + chunk
			}
			if c > bigBlockWhole || c > n {
				c = n
			}
			nb := make([]byte, len(r.big), c)
			copy(nb, r.big)
			r.big = nb
		}
		m, err := io.ReadFull(r.br, r.big[len(r.big):len(r.big)+chunk])
		r.big = r.big[:len(r.big)+m]
		if err != nil {
			r.off += int64(len(r.big))
			return nil, &BlockError{Offset: start, What: blockName(bt), Err: r.ioErr(err)}
		}
		if walking {
			if err := walk.advance(r.big[8:], n-minBlockLength); err != nil {
				r.off += int64(len(r.big))
				return nil, &BlockError{Offset: start, What: blockName(bt), Err: ErrCorrupt, Detail: err.Error()}
			}
		}
	}
	blk = r.big[:n]
	if cap(r.big) > 4*readerBufSize {
		r.big = nil // do not pin a big buffer for the rest of the run
	}
	return blk, nil
}

// entryWalk follows the entry lengths of a list block whose entries start
// with their length (process list v9, fd list v2, interface and user lists
// v2) while the block is being read. It rejects what the parser would
// reject in the same place (metaparse.go, entryHeader): a length below the
// type's minimum, or an entry running past the body.
type entryWalk struct {
	min, skip int // smallest entry length; bytes the length does not count
	pos       int // offset in the body of the next entry's length
	what      string
}

func newEntryWalk(bt uint32) (entryWalk, bool) {
	switch bt {
	case BlockPLv9:
		return entryWalk{min: 4, what: "process"}, true
	case BlockFDLv2:
		return entryWalk{min: 4, pos: 8, what: "fd"}, true // after the tid
	case BlockILv2:
		return entryWalk{skip: 4, what: "interface"}, true
	case BlockULv2:
		return entryWalk{min: 5, what: "user"}, true
	}
	return entryWalk{}, false
}

// advance checks the entries whose lengths have arrived: have is the body
// read so far, bodyLen the body's length (padding included).
func (w *entryWalk) advance(have []byte, bodyLen int) error {
	if len(have) > bodyLen {
		have = have[:bodyLen]
	}
	for w.pos+4 <= len(have) {
		n := int(bin.LE32(have[w.pos:]))
		if n < w.min || w.pos+w.skip+n > bodyLen {
			return fmt.Errorf("%s entry at +%d has bad length %d", w.what, w.pos, n)
		}
		w.pos += w.skip + n
	}
	return nil
}

// skipBlock reads past a block of a type this reader does not know, without
// buffering it, and checks its trailer.
func (r *Reader) skipBlock(bt uint32, start, total int64) error {
	body := total - 4
	for left := body; left > 0; {
		chunk := left
		if chunk > bigBlockChunk {
			chunk = bigBlockChunk
		}
		m, err := r.br.Discard(int(chunk))
		left -= int64(m)
		if err != nil {
			r.off += body - left
			return &BlockError{Offset: start, What: blockName(bt), Err: r.ioErr(err)}
		}
	}
	tr, err := r.br.Peek(4)
	if err != nil {
		r.off += body
		return &BlockError{Offset: start, What: blockName(bt), Err: r.ioErr(err)}
	}
	if got := int64(bin.LE32(tr)); got != total {
		return &BlockError{Offset: start, What: blockName(bt), Err: ErrCorrupt,
			Detail: fmt.Sprintf("wrong block total length: %d at the start, %d at the end", total, got)}
	}
	r.br.Discard(4)
	r.off += total
	return nil
}

// metaBody checks a metadata block's trailer and returns its body (nil for
// a skipped block).
func metaBody(bt uint32, blk []byte, start int64) ([]byte, error) {
	n := len(blk)
	if n == 0 {
		return nil, nil
	}
	if got := bin.LE32(blk[n-4:]); got != uint32(n) {
		return nil, &BlockError{Offset: start, What: blockName(bt), Err: ErrCorrupt,
			Detail: fmt.Sprintf("wrong block total length: %d at the start, %d at the end", n, got)}
	}
	return blk[8 : n-4], nil
}

// metaLimit is the largest length a block of type bt may declare, or
// skipUnknownType for types that are read past unbuffered. The metadata
// limits follow the format: the machine info is a fixed 180-byte struct;
// an interface or user entry is tens of bytes (names are bounded at 1024);
// a process list entry is a few hundred bytes to a few KB (strings bounded
// at 1024 and 4096), so even 100,000 threads stay well below the process
// list limit; an fd list holds one thread's descriptors.
func metaLimit(bt uint32) int {
	switch bt {
	case BlockEVv2, BlockEVFv2, BlockEVv1, BlockEVFv1:
		return maxEventBlock
	case BlockEVv2Large, BlockEVFv2Large:
		return maxLargeBlock
	case BlockSHB:
		return maxSHBBlock
	case BlockMI:
		return maxMIBlock
	case BlockPLv1, BlockPLv2, BlockPLv3, BlockPLv4, BlockPLv5, BlockPLv6, BlockPLv7, BlockPLv8, BlockPLv9:
		return maxPLBlock
	case BlockFDLv1, BlockFDLv2:
		return maxFDLBlock
	case BlockILv1, BlockILv2:
		return maxILBlock
	case BlockULv1, BlockULv2:
		return maxULBlock
	}
	return skipUnknownType
}

// readHeader reads the section header and the metadata blocks that follow,
// stopping before the first event block.
func (r *Reader) readHeader() error {
	hdr, err := r.br.Peek(8)
	if err != nil || bin.LE32(hdr) != BlockSHB {
		if err != nil && err != io.EOF && (len(hdr) < 4 || bin.LE32(hdr) == BlockSHB) {
			// A decompressor that fails at once (a zstd window past the
			// limit, a damaged or cut first block) says why.
			var se *streamError
			if e := r.ioErr(err); errors.As(e, &se) {
				return &BlockError{Offset: 0, What: "section header block", Err: e}
			}
		}
		if len(hdr) < 4 {
			return fmt.Errorf("%w: file too short", ErrNotCapture)
		}
		return fmt.Errorf("%w: invalid block type", ErrNotCapture)
	}
	return r.readSection()
}

// readSection reads a section header and metadata blocks, up to the next
// event block (which stays unread) or the end of input.
func (r *Reader) readSection() error {
	start := r.off
	bt, blk, err := uint32(BlockSHB), r.damagedSHBLength(), error(nil)
	if blk == nil {
		bt, blk, err = r.readBlock(metaLimit)
		if err != nil {
			return err
		}
	}
	if bt != BlockSHB {
		return &BlockError{Offset: start, What: blockName(bt), Err: ErrCorrupt, Detail: "expected a section header"}
	}
	m, err := r.sectionHeader(blk, start)
	if err != nil {
		if errors.Is(err, ErrVersion) {
			return fmt.Errorf("%w %d.%d (this reader knows 1.x)", ErrVersion, m.Major, m.Minor)
		}
		return err
	}
	r.meta = m
	r.inEvents = false
	for {
		hdr, err := r.br.Peek(8)
		if len(hdr) == 0 && err == io.EOF {
			return nil
		}
		if err != nil {
			return &BlockError{Offset: r.off, What: "block header", Err: r.ioErr(err)}
		}
		bt := bin.LE32(hdr)
		if a, ok := blockAliases[bt]; ok {
			bt = a
		}
		if isEventBlock(bt) || bt == BlockSHB {
			return nil
		}
		start, bt, body, err := r.readMetaBlock()
		if err != nil {
			return err
		}
		if err := r.parseMetadata(bt, body, start); err != nil {
			return err
		}
	}
}

// damagedSHBLength handles a section header whose leading length is
// damaged while the rest is a consistent 28-byte header without options:
// its trailer, at byte 24, says 28, and the block as declared does not
// hold together. sysdig 0.29.3 always reads 28 bytes there; this reader
// does too in that case, with a warning, and returns the 28 bytes (nil
// when the header is not in that state).
func (r *Reader) damagedSHBLength() []byte {
	p, err := r.br.Peek(shbFixedLength)
	if err != nil || bin.LE32(p) != BlockSHB || bin.LE32(p[24:]) != shbFixedLength || bin.LE32(p[8:]) != ByteOrderMagic {
		return nil
	}
	l := int64(bin.LE32(p[4:]))
	if l == shbFixedLength {
		return nil
	}
	if l >= minBlockLength && l%4 == 0 && l <= maxSHBBlock && (r.plainSize == 0 || r.off+l <= r.plainSize) {
		if q, err := r.br.Peek(int(l)); err == nil && int64(bin.LE32(q[l-4:])) == l {
			return nil // a consistent header with options
		}
	}
	blk := append([]byte(nil), p...)
	r.br.Discard(shbFixedLength)
	r.warns = append(r.warns, &BlockError{Offset: r.off, What: "section header block", Err: ErrTrailer,
		Detail: fmt.Sprintf("its leading length %d differs from the trailing %d; read on as a %d-byte section header", l, shbFixedLength, shbFixedLength)})
	r.off += shbFixedLength
	return blk
}

// sectionHeader decodes the section header block blk. A trailing length
// that disagrees with the leading one is a warning (queued on r.warns),
// not an error: the leading length frames the next block, and sysdig
// 0.29.3 does not look at this trailer at all.
func (r *Reader) sectionHeader(blk []byte, start int64) (*Metadata, error) {
	n := len(blk)
	if got := bin.LE32(blk[n-4:]); got != uint32(n) {
		r.warns = append(r.warns, &BlockError{Offset: start, What: "section header block", Err: ErrTrailer,
			Detail: fmt.Sprintf("its trailing length %d differs from the leading %d; read on with the leading one", got, n)})
	}
	body := blk[8 : n-4]
	if len(body) < 16 {
		return nil, &BlockError{Offset: start, What: "section header block", Err: ErrCorrupt, Detail: "too short"}
	}
	if bin.LE32(body) != ByteOrderMagic {
		return nil, &BlockError{Offset: start, What: "section header block", Err: ErrCorrupt, Detail: "bad byte-order magic"}
	}
	m := &Metadata{Major: bin.LE16(body[4:]), Minor: bin.LE16(body[6:])}
	if m.Major != 1 {
		return m, &BlockError{Offset: start, What: "section header block", Err: ErrVersion,
			Detail: fmt.Sprintf("version %d.%d", m.Major, m.Minor)}
	}
	if len(body) > 16 {
		m.SHBOptions = append([]byte(nil), body[16:]...)
	}
	return m, nil
}

// readMetaBlock reads the metadata block at the current offset and returns
// its offset, type and body.
func (r *Reader) readMetaBlock() (start int64, bt uint32, body []byte, err error) {
	start = r.off
	bt, blk, err := r.readBlock(metaLimit)
	if err != nil {
		return start, bt, nil, err
	}
	body, err = metaBody(bt, blk, start)
	return start, bt, body, err
}
