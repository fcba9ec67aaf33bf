package scap

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/traceproj/trace/internal/bin"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// ErrClosed is returned by a Writer after Close.
var ErrClosed = errors.New("writer closed")

// Writer writes a capture: a section header, metadata blocks, then events.
// Files it writes are read by sysdig 0.29.3 (except zstd ones), current
// libs and Wireshark.
type Writer struct {
	out     io.Writer // the file (or the compressor)
	bw      *bufio.Writer
	comp    io.WriteCloser // gzip or zstd stream, if any
	file    *os.File       // set by Create
	n       int64          // uncompressed bytes written
	scratch []byte
	closed  bool
	events  int64
	counter *countWriter
	hdr     [16]byte // scratch for block headers and trailers (kept here so
	// they do not escape to the heap on every event)
	tail [8]byte
}

// ErrSymlink is returned by Create for a path that is a symbolic link to a
// file (or to nothing).
var ErrSymlink = errors.New("is a symbolic link: trace does not write captures through links (remove it, or name its target)")

// Create creates (or truncates) path with mode 0600 — captures hold secrets,
// and an existing file gets that mode too — and returns a Writer on it. It
// does not follow a symbolic link to a file or to nothing (one planted in
// /tmp would make root overwrite its target); a link to a device or a pipe
// (/dev/stdout) is fine.
func Create(path string, c Compression) (*Writer, error) {
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if st, err := os.Lstat(path); err == nil && st.Mode()&os.ModeSymlink != 0 {
		if t, err := os.Stat(path); err != nil || t.Mode().IsRegular() {
			return nil, &os.PathError{Op: "open", Path: path, Err: ErrSymlink}
		}
	} else {
		flags |= oNoFollow
	}
	f, err := os.OpenFile(path, flags, 0o600)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Mode().Perm() != 0o600 {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return nil, err
		}
	}
	w, err := NewWriter(f, c)
	if err != nil {
		f.Close()
		return nil, err
	}
	w.file = f
	return w, nil
}

// countWriter counts the bytes that reach the file.
type countWriter struct {
	w io.Writer
	byteCount
}

func (c *countWriter) Write(p []byte) (int, error) { return c.add(c.w.Write(p)) }

// NewWriter returns a Writer that writes to w with compression c. Nothing is
// written until WriteSection.
func NewWriter(w io.Writer, c Compression) (*Writer, error) {
	cw := &countWriter{w: w}
	w = cw
	wr := &Writer{out: w, counter: cw}
	switch c {
	case CompressGzip:
		zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
		if err != nil {
			return nil, err
		}
		wr.comp = zw
	case CompressZstd:
		zw, err := zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		wr.comp = zw
	}
	if wr.comp != nil {
		wr.bw = bufio.NewWriterSize(wr.comp, 256<<10)
	} else {
		wr.bw = bufio.NewWriterSize(w, 256<<10)
	}
	return wr, nil
}

// BytesWritten returns the uncompressed size written so far.
func (w *Writer) BytesWritten() int64 { return w.n }

// Buffered returns how many bytes wait in the writer's buffer.
func (w *Writer) Buffered() int { return w.bw.Buffered() }

// FileBytes returns how many bytes reached the file so far (compressed
// bytes for compressed captures; buffered data is not counted).
func (w *Writer) FileBytes() int64 { return w.counter.n }

// EventsWritten returns how many events have been written.
func (w *Writer) EventsWritten() int64 { return w.events }

func (w *Writer) write(b []byte) error {
	if w.closed {
		return ErrClosed
	}
	n, err := w.bw.Write(b)
	w.n += int64(n)
	return err
}

// block frames body as one block of type bt.
func (w *Writer) block(bt uint32, body []byte) error {
	total := (8 + len(body) + 4 + 3) &^ 3
	binary.LittleEndian.PutUint32(w.hdr[:], bt)
	binary.LittleEndian.PutUint32(w.hdr[4:], uint32(total))
	if err := w.write(w.hdr[:8]); err != nil {
		return err
	}
	if err := w.write(body); err != nil {
		return err
	}
	w.tail = [8]byte{}
	pad := total - 8 - len(body) - 4
	binary.LittleEndian.PutUint32(w.tail[pad:], uint32(total))
	return w.write(w.tail[:pad+4])
}

type enc struct{ b []byte }

func (e *enc) u8(v uint8)   { e.b = append(e.b, v) }
func (e *enc) u16(v uint16) { e.b = binary.LittleEndian.AppendUint16(e.b, v) }
func (e *enc) u32(v uint32) { e.b = binary.LittleEndian.AppendUint32(e.b, v) }
func (e *enc) u64(v uint64) { e.b = binary.LittleEndian.AppendUint64(e.b, v) }
func (e *enc) str16(s string) {
	e.u16(uint16(len(s)))
	e.b = append(e.b, s...)
}
func (e *enc) bytes16(s []byte) {
	e.u16(uint16(len(s)))
	e.b = append(e.b, s...)
}

// clip keeps metadata strings within the limits readers enforce.
func clip(s string, max int) string {
	if len(s) >= max {
		return s[:max-1]
	}
	return s
}

func clipb(s []byte, max int) []byte {
	if len(s) >= max {
		return s[:max-1]
	}
	return s
}

// WriteSection writes a section header (version 1.2, no options) followed
// by the metadata blocks of m: machine info, interfaces, users, the process
// list and one fd list per thread. m may be nil.
func (w *Writer) WriteSection(m *Metadata) error {
	var e enc
	e.u32(ByteOrderMagic)
	e.u16(1)
	e.u16(2)
	e.u64(^uint64(0))
	if err := w.block(BlockSHB, e.b); err != nil {
		return err
	}
	if m == nil {
		return nil
	}
	if mi := m.Machine; mi != nil {
		e.b = e.b[:0]
		e.u32(mi.NumCPUs)
		e.u64(mi.MemoryBytes)
		e.u64(mi.MaxPID)
		var host [128]byte
		copy(host[:127], mi.Hostname)
		e.b = append(e.b, host[:]...)
		e.u64(mi.BootTime)
		e.u64(mi.Flags)
		e.u64(mi.Reserved3)
		e.u64(mi.Reserved4)
		if err := w.block(BlockMI, e.b); err != nil {
			return err
		}
	}
	if len(m.Interfaces) > 0 {
		e.b = e.b[:0]
		for _, i := range m.Interfaces {
			start := len(e.b)
			e.u32(0)
			name := clip(i.Name, maxPathLen)
			typ := i.Type
			e.u16(typ)
			e.u16(uint16(len(name)))
			n := 4
			if i.IsIPv6() {
				n = 16
			}
			e.b = append(e.b, i.Addr[:n]...)
			e.b = append(e.b, i.Netmask[:n]...)
			e.b = append(e.b, i.Bcast[:n]...)
			if typ == IfIPv4 || typ == IfIPv6 {
				e.u64(i.LinkSpeed)
			}
			e.b = append(e.b, name...)
			binary.LittleEndian.PutUint32(e.b[start:], uint32(len(e.b)-start-4))
		}
		if err := w.block(BlockILv2, e.b); err != nil {
			return err
		}
	}
	if len(m.Users) > 0 || len(m.Groups) > 0 {
		e.b = e.b[:0]
		for _, u := range m.Users {
			start := len(e.b)
			e.u32(0)
			e.u8(0)
			e.u32(u.UID)
			e.u32(u.GID)
			e.str16(clip(u.Name, maxNameLen))
			e.str16(clip(u.HomeDir, maxPathLen))
			e.str16(clip(u.Shell, maxPathLen))
			binary.LittleEndian.PutUint32(e.b[start:], uint32(len(e.b)-start))
		}
		for _, g := range m.Groups {
			start := len(e.b)
			e.u32(0)
			e.u8(1)
			e.u32(g.GID)
			e.str16(clip(g.Name, maxNameLen))
			binary.LittleEndian.PutUint32(e.b[start:], uint32(len(e.b)-start))
		}
		if err := w.block(BlockULv2, e.b); err != nil {
			return err
		}
	}
	if len(m.Threads) > 0 {
		e.b = e.b[:0]
		for i := range m.Threads {
			appendThread(&e, &m.Threads[i])
		}
		if err := w.block(BlockPLv9, e.b); err != nil {
			return err
		}
		for i := range m.Threads {
			t := &m.Threads[i]
			if len(t.FDs) == 0 {
				continue
			}
			e.b = e.b[:0]
			e.u64(uint64(t.Tid))
			for j := range t.FDs {
				appendFD(&e, &t.FDs[j])
			}
			if err := w.block(BlockFDLv2, e.b); err != nil {
				return err
			}
		}
	}
	w.scratch = e.b[:0]
	return nil
}

func appendThread(e *enc, t *Thread) {
	start := len(e.b)
	e.u32(0)
	e.u64(uint64(t.Tid))
	e.u64(uint64(t.Pid))
	e.u64(uint64(t.Ptid))
	e.u64(uint64(t.Sid))
	e.u64(uint64(t.Vpgid))
	e.str16(clip(t.Comm, maxPathLen))
	e.str16(clip(t.Exe, maxPathLen))
	e.str16(clip(t.ExePath, maxPathLen))
	e.bytes16(clipb(t.Args, maxArgsLen))
	e.str16(clip(t.Cwd, maxPathLen))
	e.u64(t.FDLimit)
	e.u32(t.Flags)
	e.u32(t.UID)
	e.u32(t.GID)
	e.u32(t.VMSize)
	e.u32(t.VMRSS)
	e.u32(t.VMSwap)
	e.u64(t.PFMajor)
	e.u64(t.PFMinor)
	e.bytes16(clipb(t.Env, maxArgsLen))
	e.u64(uint64(t.Vtid))
	e.u64(uint64(t.Vpid))
	e.bytes16(clipb(t.Cgroups, maxArgsLen))
	e.str16(clip(t.Root, maxPathLen))
	e.b = append(e.b, t.Tail...)
	binary.LittleEndian.PutUint32(e.b[start:], uint32(len(e.b)-start))
}

func appendFD(e *enc, f *FDInfo) {
	start := len(e.b)
	e.u32(0)
	e.u64(uint64(f.FD))
	e.u64(f.Ino)
	typ := f.Type
	if typ > maxFDType029 {
		// sysdig 0.29.3 rejects the whole file on fd types it does not know.
		typ = FDUnsupported
	}
	e.u8(typ)
	switch typ {
	case FDIPv4Sock:
		e.b = append(e.b, f.SIP[:4]...)
		e.b = append(e.b, f.DIP[:4]...)
		e.u16(f.SPort)
		e.u16(f.DPort)
		e.u8(f.L4Proto)
	case FDIPv4ServSock:
		e.b = append(e.b, f.SIP[:4]...)
		e.u16(f.SPort)
		e.u8(f.L4Proto)
	case FDIPv6Sock:
		e.b = append(e.b, f.SIP[:]...)
		e.b = append(e.b, f.DIP[:]...)
		e.u16(f.SPort)
		e.u16(f.DPort)
		e.u8(f.L4Proto)
	case FDIPv6ServSock:
		e.b = append(e.b, f.SIP[:]...)
		e.u16(f.SPort)
		e.u8(f.L4Proto)
	case FDUnixSock:
		e.u64(f.Source)
		e.u64(f.Dest)
		e.str16(clip(f.Name, maxPathLen))
	case FDFileV2:
		e.u32(f.Flags)
		e.str16(clip(f.Name, maxPathLen))
		if f.HasDev {
			e.u32(f.Dev)
		}
	case FDUnknown:
	default:
		e.str16(clip(f.Name, maxPathLen))
	}
	binary.LittleEndian.PutUint32(e.b[start:], uint32(len(e.b)-start))
}

// WriteEvent writes ev in a v2 event block; events read from v1 blocks get
// their nparams field added.
func (w *Writer) WriteEvent(ev *Event) error {
	raw := ev.Raw()
	if ev.hdrLen == EventHeaderV1 {
		w.scratch = append(w.scratch[:0], raw[:EventHeaderV1]...)
		w.scratch = binary.LittleEndian.AppendUint32(w.scratch, ev.NParams)
		w.scratch = append(w.scratch, raw[EventHeaderV1:]...)
		binary.LittleEndian.PutUint32(w.scratch[16:], uint32(len(w.scratch)))
		raw = w.scratch
	}
	return w.WriteRaw(ev.CPU, ev.Flags, raw)
}

// WriteRaw writes one event already encoded in the v2 layout (26-byte
// header with nparams).
func (w *Writer) WriteRaw(cpu uint16, flags uint32, raw []byte) error {
	if len(raw) < EventHeaderV2 {
		return fmt.Errorf("%w: event of %d bytes", ErrCorrupt, len(raw))
	}
	typ := bin.LE16(raw[20:])
	large := false
	if info := InfoHead(typ); info != nil && info.Large() {
		large = true
	}
	flags &^= FlagLarge
	var bt uint32
	switch {
	case flags != 0 && large:
		bt = BlockEVFv2Large
	case flags != 0:
		bt = BlockEVFv2
	case large:
		bt = BlockEVv2Large
	default:
		bt = BlockEVv2
	}
	pre := 2
	if flags != 0 {
		pre = 6
	}
	pad := (4 - (2+len(raw))%4) % 4
	total := 8 + pre + len(raw) + pad + 4
	if !large && total > maxEventBlock {
		return fmt.Errorf("%w: event of %d bytes is too large for a non-large block", ErrCorrupt, len(raw))
	}
	binary.LittleEndian.PutUint32(w.hdr[:], bt)
	binary.LittleEndian.PutUint32(w.hdr[4:], uint32(total))
	binary.LittleEndian.PutUint16(w.hdr[8:], cpu)
	binary.LittleEndian.PutUint32(w.hdr[10:], flags)
	if err := w.write(w.hdr[:8+pre]); err != nil {
		return err
	}
	if err := w.write(raw); err != nil {
		return err
	}
	w.tail = [8]byte{}
	binary.LittleEndian.PutUint32(w.tail[pad:], uint32(total))
	w.events++
	return w.write(w.tail[:pad+4])
}

// Flush writes buffered data through to the file (and flushes the
// compressor, so a reader sees every complete block written so far).
func (w *Writer) Flush() error {
	if w.closed {
		return ErrClosed
	}
	if err := w.bw.Flush(); err != nil {
		return err
	}
	if f, ok := w.comp.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}

// Close flushes everything, ends the compressed stream and closes the file
// if the Writer created it.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	err := w.bw.Flush()
	w.closed = true
	if w.comp != nil {
		if cerr := w.comp.Close(); err == nil {
			err = cerr
		}
	}
	if w.file != nil {
		if cerr := w.file.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
