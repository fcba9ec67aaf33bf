package scap

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"github.com/traceproj/trace/internal/bin"
	"io"
	"os"

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
)

// Compression is the container format of a capture file.
type Compression int

// Supported compressions.
const (
	CompressNone Compression = iota
	CompressGzip
	CompressZstd
)

func (c Compression) String() string {
	switch c {
	case CompressGzip:
		return "gzip"
	case CompressZstd:
		return "zstd"
	}
	return "none"
}

// Size limits that keep corrupted lengths from exhausting memory.
const (
	maxEventBlock    = 65536 + 8 // non-large event blocks (sysdig's READER_BUF_SIZE)
	maxLargeBlock    = 64 << 20  // large event blocks
	maxMetadataBlock = 1 << 30   // process lists of very large hosts
	readerBufSize    = 256 << 10 // bufio buffer; most blocks are read in place
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
	if errors.Is(e.Err, ErrTruncated) {
		s = fmt.Sprintf("truncated %s at byte %d", e.What, e.Offset)
	} else if errors.Is(e.Err, ErrCorrupt) {
		s = fmt.Sprintf("corrupted %s at byte %d", e.What, e.Offset)
	} else {
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
	// OnSection, if set, is called when a new section (section header
	// and metadata blocks) starts after events, with the new metadata,
	// before the section's first event is returned.
	OnSection func(*Metadata)
}

// Open opens a capture file and reads its metadata blocks.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("is a directory")
	}
	cr := &countingReader{r: f}
	r, err := NewReader(cr)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closers = append(r.closers, f)
	r.input = cr
	if st, err := f.Stat(); err == nil {
		r.size = st.Size()
	}
	return r, nil
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
	n := r.input.n - int64(r.br.Buffered())
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
func NewReader(rd io.Reader) (*Reader, error) {
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

// ioErr turns a short read into ErrTruncated.
func ioErr(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF || err == bufio.ErrBufferFull {
		return ErrTruncated
	}
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrTruncated
	}
	return err
}

// readBlock reads the next whole block, header and trailer included; it is
// valid until the next read. At a clean end of input it returns io.EOF.
func (r *Reader) readBlock(limitFor func(uint32) int) (bt uint32, blk []byte, err error) {
	start := r.off
	hdr, err := r.br.Peek(8)
	if len(hdr) == 0 && err == io.EOF {
		return 0, nil, io.EOF
	}
	if err != nil {
		return 0, nil, &BlockError{Offset: start, What: "block header", Err: ioErr(err)}
	}
	bt = bin.LE32(hdr)
	if bt != BlockEVv2 && bt != BlockEVFv2 {
		if a, ok := blockAliases[bt]; ok {
			bt = a
		}
	}
	total := int64(bin.LE32(hdr[4:]))
	if total < 12 || total%4 != 0 {
		return bt, nil, &BlockError{Offset: start, What: blockName(bt), Err: ErrCorrupt,
			Detail: fmt.Sprintf("bad block length %d", total)}
	}
	if lim := limitFor(bt); total > int64(lim) {
		return bt, nil, &BlockError{Offset: start, What: blockName(bt), Err: ErrCorrupt,
			Detail: fmt.Sprintf("block length %d exceeds %d", total, lim)}
	}
	n := int(total)
	if n <= r.br.Size() {
		blk, err = r.br.Peek(n)
		if err != nil {
			return bt, nil, &BlockError{Offset: start, What: blockName(bt), Err: ioErr(err)}
		}
		r.br.Discard(n)
	} else {
		// Grow the buffer as the data arrives rather than trusting the
		// declared length: a corrupted length must not allocate a
		// gigabyte before the input runs out.
		r.big = r.big[:0]
		for len(r.big) < n {
			chunk := n - len(r.big)
			if chunk > 1<<20 {
				chunk = 1 << 20
			}
			if cap(r.big)-len(r.big) < chunk {
				nb := make([]byte, len(r.big), len(r.big)+chunk+len(r.big)/2)
				copy(nb, r.big)
				r.big = nb
			}
			m, err := io.ReadFull(r.br, r.big[len(r.big):len(r.big)+chunk])
			r.big = r.big[:len(r.big)+m]
			if err != nil {
				r.off += int64(len(r.big))
				return bt, nil, &BlockError{Offset: start, What: blockName(bt), Err: ioErr(err)}
			}
		}
		blk = r.big[:n]
	}
	r.off += total
	return bt, blk, nil
}

// metaBody checks a metadata block's trailer and returns its body.
func metaBody(bt uint32, blk []byte, start int64) ([]byte, error) {
	n := len(blk)
	if bin.LE32(blk[n-4:]) != uint32(n) {
		return nil, &BlockError{Offset: start, What: blockName(bt), Err: ErrCorrupt, Detail: "wrong block total length"}
	}
	return blk[8 : n-4], nil
}

func metaLimit(bt uint32) int {
	if isEventBlock(bt) {
		if bt == BlockEVv2Large || bt == BlockEVFv2Large {
			return maxLargeBlock
		}
		return maxEventBlock
	}
	return maxMetadataBlock
}

// readHeader reads the section header and the metadata blocks that follow,
// stopping before the first event block.
func (r *Reader) readHeader() error {
	hdr, err := r.br.Peek(8)
	if err != nil || bin.LE32(hdr) != BlockSHB {
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
	start, bt, body, err := r.readMetaBlock()
	if err != nil {
		return err
	}
	if bt != BlockSHB {
		return &BlockError{Offset: start, What: blockName(bt), Err: ErrCorrupt, Detail: "expected a section header"}
	}
	if len(body) < 16 {
		return &BlockError{Offset: start, What: "section header block", Err: ErrCorrupt, Detail: "too short"}
	}
	if bin.LE32(body) != ByteOrderMagic {
		return &BlockError{Offset: start, What: "section header block", Err: ErrCorrupt, Detail: "bad byte-order magic"}
	}
	m := &Metadata{Major: bin.LE16(body[4:]), Minor: bin.LE16(body[6:])}
	if m.Major != 1 {
		return fmt.Errorf("%w %d.%d (this reader knows 1.x)", ErrVersion, m.Major, m.Minor)
	}
	if len(body) > 16 {
		m.SHBOptions = append([]byte(nil), body[16:]...)
	}
	r.meta = m
	r.inEvents = false
	for {
		hdr, err := r.br.Peek(8)
		if len(hdr) == 0 && err == io.EOF {
			return nil
		}
		if err != nil {
			return &BlockError{Offset: r.off, What: "block header", Err: ioErr(err)}
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
