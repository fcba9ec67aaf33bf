//go:build linux && amd64

package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
	"github.com/cilium/ebpf/rlimit"
	"golang.org/x/sys/unix"

	"github.com/traceproj/trace/bpf"
	"github.com/traceproj/trace/procscan"
	"github.com/traceproj/trace/scap"
)

// batch is how many records are copied out of a ring at a time.
const batch = 256

// Polling backoff when every ring is empty.
const (
	minSleep = 500 * time.Microsecond
	maxSleep = 30 * time.Millisecond
)

// Capture is a running live capture.
type Capture struct {
	objs    bpf.Objects
	rings   []*ebpf.Map
	readers []*ringbuf.Reader
	links   []link.Link
	meta    *scap.Metadata

	m    *merger
	enc  *encoder
	rec  record
	fill filler

	stopOnce  sync.Once
	stopped   atomic.Bool
	stopCh    chan struct{}
	closeOnce sync.Once

	delivered, malformed atomic.Uint64

	pi *procinfoGen // nil unless Options.Procinfo

	idle func() // see SetIdle
}

// SetIdle sets a function NextInto calls, on its caller's goroutine, when
// it finds every ring empty and is about to wait (once per wait): the
// place to flush buffered output.
func (c *Capture) SetIdle(fn func()) { c.idle = fn }

// Open loads and attaches the capture programs, then scans /proc for the
// initial state. Events start queuing in the rings as soon as Open
// returns; read them with NextInto.
func Open(o Options) (*Capture, error) {
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		return nil, ErrNoBTF
	}
	if o.Snaplen <= 0 {
		o.Snaplen = DefaultSnaplen
	}
	if o.Snaplen > MaxSnaplen {
		o.Snaplen = MaxSnaplen
	}
	if o.BufferSize <= 0 {
		o.BufferSize = DefaultBufferSize
	}
	if o.BufferSize&(o.BufferSize-1) != 0 || o.BufferSize < os.Getpagesize() {
		return nil, fmt.Errorf("ring buffer size %d is not a power of two of at least a page", o.BufferSize)
	}
	// Kernels since 5.11 charge BPF memory to the memory cgroup; this
	// only matters on older ones and fails without CAP_SYS_RESOURCE.
	_ = rlimit.RemoveMemlock()

	c := &Capture{stopCh: make(chan struct{})}
	if o.Procinfo {
		c.pi = &procinfoGen{}
	}
	if err := c.load(o); err != nil {
		c.Close()
		return nil, err
	}
	boot := bootEpoch()
	c.enc = newEncoder(boot)
	if o.SkipProcScan {
		mi, err := procscan.Machine(procscan.Options{})
		if err != nil {
			c.Close()
			return nil, err
		}
		c.meta = &scap.Metadata{Major: 1, Minor: 2, Machine: mi}
	} else {
		m, err := procscan.Scan(procscan.Options{})
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("scan /proc: %w", err)
		}
		c.meta = m
	}
	if c.meta.Machine != nil {
		c.meta.Machine.BootTime = boot
	}
	return c, nil
}

func (c *Capture) load(o Options) error {
	spec, err := bpf.LoadSpec()
	if err != nil {
		return err
	}
	ncpu, err := ebpf.PossibleCPU()
	if err != nil {
		return fmt.Errorf("possible CPUs: %w", err)
	}
	rs := spec.Maps["rings"]
	rs.MaxEntries = uint32(ncpu)
	rs.InnerMap.MaxEntries = uint32(o.BufferSize)
	spec.Maps["scratch_map"].MaxEntries = uint32(ncpu)
	for i := 0; i < ncpu; i++ {
		m, err := ebpf.NewMap(rs.InnerMap)
		if err != nil {
			return mapLoadError("create ring buffer", err, o.Verbose)
		}
		c.rings = append(c.rings, m)
		rs.Contents = append(rs.Contents, ebpf.MapKV{Key: uint32(i), Value: m})
	}

	want := wanted(o.EventTypes)
	var enter, exit bool
	ints := spec.Maps["interesting"]
	scs := spec.Maps["sc_specs"]
	for nr := range sysTable {
		if want[nr] == 0 {
			continue
		}
		enter = enter || want[nr]&bpf.WantEnter != 0
		exit = exit || want[nr]&bpf.WantExit != 0
		c.fill.wantExit[nr] = want[nr]&bpf.WantExit != 0
		ints.Contents = append(ints.Contents, ebpf.MapKV{Key: uint32(nr), Value: want[nr]})
		scs.Contents = append(scs.Contents, ebpf.MapKV{Key: uint32(nr), Value: kernelSpec(sysTable[nr])})
	}
	if err := spec.Variables["self_tgid"].Set(uint32(os.Getpid())); err != nil {
		return err
	}
	if err := spec.Variables["snaplen"].Set(uint32(o.Snaplen)); err != nil {
		return err
	}

	opts := &ebpf.CollectionOptions{}
	if err := spec.LoadAndAssign(&c.objs, opts); err != nil {
		return mapLoadError("load BPF programs", err, o.Verbose)
	}

	attach := func(p *ebpf.Program) error {
		l, err := link.AttachTracing(link.TracingOptions{Program: p})
		if err != nil {
			return mapLoadError("attach "+p.String(), err, o.Verbose)
		}
		c.links = append(c.links, l)
		return nil
	}
	procExit := o.EventTypes == nil || slices.Contains(o.EventTypes, scap.PPME_PROCEXIT_1_E)
	switches := o.SchedSwitch || slices.Contains(o.EventTypes, scap.PPME_SCHEDSWITCH_6_E)
	for _, a := range []struct {
		on bool
		p  *ebpf.Program
	}{
		{enter, c.objs.TraceSysEnter},
		{exit, c.objs.TraceSysExit},
		{procExit, c.objs.TraceSchedProcessExit},
		{switches, c.objs.TraceSchedSwitch},
	} {
		if a.on {
			if err := attach(a.p); err != nil {
				return err
			}
		}
	}

	srcs := make([]source, len(c.rings))
	cpus := make([]uint16, len(c.rings))
	for i, m := range c.rings {
		rd, err := ringbuf.NewReader(m)
		if err != nil {
			return fmt.Errorf("ring buffer reader: %w", err)
		}
		// A deadline in the past makes ReadInto return what is there
		// without blocking.
		rd.SetDeadline(time.Unix(1, 0))
		c.readers = append(c.readers, rd)
		srcs[i] = &ringSource{rd: rd}
		cpus[i] = uint16(i)
	}
	c.m = newMerger(srcs, cpus, batch)
	return nil
}

// kernelSpec converts a syscall spec to the sc_spec map value.
func kernelSpec(s *sysSpec) bpf.ScSpec {
	var k bpf.ScSpec
	for d := 0; d < 2; d++ {
		ds := &s.dir[d]
		k.Nargs[d] = s.nargs(d)
		for i, b := range ds.blobs {
			k.Blobs[d][i] = bpf.BlobSpec{Kind: b.kind, Arg: b.arg, LenArg: b.lenArg, Size: b.size}
		}
	}
	return k
}

// mapLoadError turns load and attach failures into the errors a user can
// act on. Permission errors drop cilium's memlock hint, which does not
// apply to kernels that account BPF memory to cgroups.
func mapLoadError(what string, err error, verbose bool) error {
	// The verifier answers EACCES when it rejects a program, whoever loads
	// it: that is a program this kernel does not accept, not a missing
	// privilege, and its log says why.
	var ve *ebpf.VerifierError
	if errors.As(err, &ve) && os.Geteuid() == 0 {
		if verbose {
			return fmt.Errorf("%s: the kernel's verifier rejected the program: %+v", what, ve)
		}
		return fmt.Errorf("%s: the kernel's verifier rejected the program (trace -v prints its log): %v", what, ve)
	}
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		return fmt.Errorf("%w: %v; use -r FILE to read a capture", ErrPermission, unix.EPERM)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// bootEpoch returns the wall-clock time of boot in ns: the offset that
// turns bpf_ktime_get_boot_ns() stamps into epoch time.
func bootEpoch() uint64 {
	var best int64 = -1
	var off int64
	for i := 0; i < 5; i++ {
		var b1, rt, b2 unix.Timespec
		_ = unix.ClockGettime(unix.CLOCK_BOOTTIME, &b1)
		_ = unix.ClockGettime(unix.CLOCK_REALTIME, &rt)
		_ = unix.ClockGettime(unix.CLOCK_BOOTTIME, &b2)
		span := b2.Nano() - b1.Nano()
		if best < 0 || span < best {
			best = span
			off = rt.Nano() - (b1.Nano()+b2.Nano())/2
		}
	}
	return uint64(off)
}

// ringSource reads one ring buffer without blocking.
type ringSource struct {
	rd  *ringbuf.Reader
	rec ringbuf.Record
}

func (s *ringSource) fill(q *queue) (int, error) {
	n := 0
	for n < len(q.bufs) {
		// Checking for data first avoids an epoll_wait per empty ring.
		if s.rd.AvailableBytes() == 0 {
			break
		}
		s.rec.RawSample = q.bufs[n][:0]
		err := s.rd.ReadInto(&s.rec)
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				break
			}
			return n, err
		}
		q.bufs[n] = s.rec.RawSample
		n++
	}
	return n, nil
}

// Metadata returns the state found in /proc after the programs were
// attached: machine info, interfaces, users, groups, threads and fds.
func (c *Capture) Metadata() *scap.Metadata { return c.meta }

// NextInto fills ev with the next event in timestamp order. ev's bytes
// are valid until the next call. When every ring is empty it sleeps,
// from 0.5 ms doubling up to 30 ms. After Stop it returns the events
// still queued and then ErrStopped.
func (c *Capture) NextInto(ev *scap.Event) error {
	if c.pi != nil {
		if raw, cpu, ok := c.pi.pending(); ok {
			if err := ev.SetRaw(raw, cpu, 0); err != nil {
				return err
			}
			c.delivered.Add(1)
			return nil
		}
	}
	sleep := minSleep
	for {
		stopped := c.stopped.Load()
		if raw, cpu, ok := c.fill.next(c.enc, false, false); ok {
			return c.deliver(ev, raw, cpu)
		}
		b, cpu, ok, err := c.m.next()
		if err != nil {
			return err
		}
		if ok {
			if err := c.rec.parse(b); err != nil {
				c.malformed.Add(1)
				continue
			}
			c.rec.cpu = cpu
			direct, err := c.fill.add(&c.rec, c.enc)
			if err != nil {
				c.malformed.Add(1)
				continue
			}
			if !direct {
				continue
			}
			raw, err := c.enc.encode(&c.rec)
			if err != nil {
				c.malformed.Add(1)
				continue
			}
			return c.deliver(ev, raw, cpu)
		}
		// Every ring is empty: a held enter whose exit is late goes out
		// as it is, and after Stop everything held does.
		if raw, cpu, ok := c.fill.next(c.enc, true, stopped); ok {
			return c.deliver(ev, raw, cpu)
		}
		if stopped {
			return ErrStopped
		}
		if c.pi != nil && c.pi.generate(c.now()) {
			raw, cpu, _ := c.pi.pending()
			if err := ev.SetRaw(raw, cpu, 0); err != nil {
				return err
			}
			c.delivered.Add(1)
			return nil
		}
		if c.idle != nil && sleep == minSleep {
			c.idle()
		}
		t := time.NewTimer(sleep)
		select {
		case <-t.C:
		case <-c.stopCh:
			t.Stop()
		}
		if sleep *= 2; sleep > maxSleep {
			sleep = maxSleep
		}
	}
}

// deliver hands an encoded event to the caller, after the procinfo
// events of a second it starts.
func (c *Capture) deliver(ev *scap.Event, raw []byte, cpu uint16) error {
	if c.pi != nil && c.pi.cross(binary.LittleEndian.Uint64(raw), raw, cpu) {
		raw, cpu, _ = c.pi.pending()
	}
	if err := ev.SetRaw(raw, cpu, 0); err != nil {
		c.malformed.Add(1)
		return c.NextInto(ev)
	}
	c.delivered.Add(1)
	return nil
}

// now is the current time in the events' clock: boot time plus the boot
// epoch, as the encoder stamps records.
func (c *Capture) now() uint64 {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts)
	return uint64(ts.Nano()) + c.enc.bootNs
}

// Stop detaches the programs. Events already in the rings are still
// returned by NextInto, which then returns ErrStopped. Stop may be called
// from another goroutine and more than once.
func (c *Capture) Stop() {
	c.stopOnce.Do(func() {
		for _, l := range c.links {
			l.Close()
		}
		c.stopped.Store(true)
		close(c.stopCh)
	})
}

// Stats returns the BPF counters summed over CPUs and the user-space
// counts of delivered and malformed events. It may be called from any
// goroutine while the capture runs.
func (c *Capture) Stats() Stats {
	s := Stats{Delivered: c.delivered.Load(), Malformed: c.malformed.Load(), Strings: c.fill.stats()}
	if c.objs.Stats == nil {
		return s
	}
	var per []bpf.Counters
	if err := c.objs.Stats.Lookup(uint32(0), &per); err != nil {
		return s
	}
	for _, p := range per {
		s.Events += p.Events
		s.DropsBuffer += p.DropBuf
		s.DropsTooBig += p.DropBig
		s.Compat += p.DropCompat
		s.PerCPU = append(s.PerCPU, CPUStats{p.Events, p.DropBuf, p.DropBig, p.DropCompat})
	}
	return s
}

// Close stops the capture and releases the programs, maps and rings.
func (c *Capture) Close() error {
	c.Stop()
	var err error
	c.closeOnce.Do(func() {
		for _, r := range c.readers {
			r.Close()
		}
		for _, m := range c.rings {
			m.Close()
		}
		err = c.objs.Close()
	})
	return err
}
