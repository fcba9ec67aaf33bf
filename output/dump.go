package output

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// Dumper writes events to capture files (sysdig -w), rotating them by size
// (-C), event time (-G) or event count (-e), optionally keeping a ring of
// Limit files (-W).
type Dumper struct {
	Path        string
	Compression scap.Compression
	// Layout is the layout events are written in: sysdig 0.29.3's as
	// they come, or current libs' (exit events only, see scap.Upgrader).
	Layout   scap.Layout
	FileSize int64  // bytes; 0: no size rotation
	Seconds  uint64 // 0: no time rotation
	Limit    int    // ring of Limit files
	Events   int64  // 0: no count rotation
	// Inputs are the capture files being read: none of them is ever
	// overwritten (trace -r X -w X, or a rotation name that is an input).
	Inputs []string
	// FlushEvery, when not 0, pushes buffered events to the file after at
	// most this many nanoseconds of event time, so that a live capture
	// killed outright loses at most that much.
	FlushEvery uint64

	lastFlush uint64
	dirty     bool // events written since the last flush

	w         *scap.Writer
	up        *scap.Upgrader
	index     int
	fileStart uint64 // second (of event time) the current -G period began
	haveStart bool
	written   int64 // events written over all files
	started   bool
	done      bool
	firstName bool // the current file is "first_dump.scap"
}

func (d *Dumper) rotating() bool { return d.FileSize > 0 || d.Seconds > 0 || d.Events > 0 }

// fileName returns the name of the index-th file. Without rotation it is
// Path; otherwise Path followed by the counter, or for -G a Path holding
// strftime patterns expanded at the file's first event time.
func (d *Dumper) fileName(ts uint64) string {
	if !d.rotating() {
		return d.Path
	}
	if d.Seconds > 0 && strings.Contains(d.Path, "%") {
		if !d.started || ts == 0 {
			// sysdig names the file opened before the first rotation so.
			return filepath.Join(filepath.Dir(d.Path), "first_dump.scap")
		}
		return strftime(d.Path, time.Unix(int64(ts/1e9), 0))
	}
	idx := d.index
	if d.Limit > 0 {
		// -W keeps a ring of Limit files (with -C and with -G alike:
		// sysdig 0.29.3 reuses the names rather than stopping).
		idx = d.index % d.Limit
	}
	return d.Path + strconv.Itoa(idx)
}

var errSameAsInput = errors.New("is the capture being read: refusing to overwrite it")

func (d *Dumper) open(m *scap.Metadata, ts uint64) error {
	name := d.fileName(ts)
	if st, err := os.Stat(name); err == nil {
		for _, in := range d.Inputs {
			if ist, err := os.Stat(in); err == nil && os.SameFile(st, ist) {
				return &os.PathError{Op: "create", Path: name, Err: errSameAsInput}
			}
		}
	}
	w, err := scap.Create(name, d.Compression)
	if err != nil {
		return err
	}
	if err := w.WriteSection(m); err != nil {
		w.Close()
		return err
	}
	d.w = w
	return nil
}

// Start begins a capture section with the input's metadata m: the first
// file is created, later inputs append a new section to the current file.
func (d *Dumper) Start(m *scap.Metadata, eng *state.Engine) error {
	if d.done {
		return nil
	}
	if !d.started {
		d.started = true
		return d.open(m, 0)
	}
	return d.w.WriteSection(m)
}

// rotate starts a new file when the limits say so: every Events events
// (counted over all files, the event that reaches the multiple opens the
// new file), when the file grew past FileSize bytes, or every Seconds
// seconds of event time counted in whole seconds from the first event.
func (d *Dumper) rotate(ev *scap.Event, eng *state.Engine) (bool, error) {
	need := false
	switch {
	case d.Events > 0 && (d.written+1)%d.Events == 0:
		need = true
	case d.FileSize > 0 && d.w.FileBytes()+int64(d.w.Buffered()) > d.FileSize:
		need = true
	case d.Seconds > 0:
		sec := ev.Ts / 1e9
		if !d.haveStart {
			d.fileStart, d.haveStart = sec, true
		} else if sec-d.fileStart >= d.Seconds {
			need = true
			d.fileStart = sec
		}
	}
	if !need {
		return true, nil
	}
	if err := d.w.Close(); err != nil {
		return false, err
	}
	d.w = nil
	d.index++
	return true, d.open(eng.Snapshot(), ev.Ts)
}

// Write writes a processed event.
func (d *Dumper) Write(ev *state.Event, eng *state.Engine) error {
	return d.WriteRaw(ev.Event, eng)
}

// WriteRaw writes an event as read.
func (d *Dumper) WriteRaw(ev *scap.Event, eng *state.Engine) error {
	if d.done || d.w == nil {
		return nil
	}
	var raw []byte
	if d.Layout == scap.LayoutCurrent {
		if d.up == nil {
			d.up = scap.NewUpgrader()
		}
		if raw = d.up.Upgrade(ev); raw == nil {
			return nil // an enter, held until its exit
		}
	}
	if d.rotating() {
		ok, err := d.rotate(ev, eng)
		if err != nil || !ok {
			return err
		}
	}
	if raw != nil {
		d.written++
		if err := d.w.WriteRaw(ev.CPU, ev.Flags, raw); err != nil {
			return err
		}
	} else {
		if ev.Type < scap.NumEvents029 {
			// Events sysdig does not know are kept but not counted.
			d.written++
		}
		if err := d.w.WriteEvent(ev); err != nil {
			return err
		}
	}
	d.dirty = true
	if d.FlushEvery > 0 && ev.Ts-d.lastFlush >= d.FlushEvery {
		d.lastFlush = ev.Ts
		d.dirty = false
		return d.w.Flush()
	}
	return nil
}

// Flush pushes the events written since the last flush to the file; a
// live capture calls it when the system is idle. An error here comes back
// from the next write or Close as well.
func (d *Dumper) Flush() error {
	if d.w == nil || !d.dirty {
		return nil
	}
	d.dirty = false
	return d.w.Flush()
}

// Close flushes and closes the current file.
func (d *Dumper) Close() error {
	if d.w == nil {
		return nil
	}
	err := d.w.Close()
	d.w = nil
	return err
}

// strftime expands the common strftime conversions.
func strftime(f string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' || i+1 == len(f) {
			b.WriteByte(c)
			continue
		}
		i++
		switch f[i] {
		case 'Y':
			fmt.Fprintf(&b, "%04d", t.Year())
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 's':
			fmt.Fprintf(&b, "%d", t.Unix())
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(f[i])
		}
	}
	return b.String()
}
