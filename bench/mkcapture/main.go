// Command mkcapture builds a large benchmark capture by repeating the events
// of a real capture with shifted timestamps. It writes the exact number of
// events to OUT.count so the benchmark can compute events per second.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/traceproj/trace/scap"
)

// rec is one source event in the v2 layout, ready for WriteRaw.
type rec struct {
	cpu   uint16
	flags uint32
	raw   []byte
}

func main() {
	in := flag.String("in", "", "source capture, plain, gzip or zstd (required)")
	out := flag.String("out", "", "capture to write (required)")
	events := flag.Int64("events", 3000000, "number of events to write")
	flag.Parse()
	if *in == "" || *out == "" || *events <= 0 {
		fmt.Fprintln(os.Stderr, "usage: mkcapture -in FILE -out FILE [-events N]")
		os.Exit(2)
	}
	if err := run(*in, *out, *events); err != nil {
		fmt.Fprintln(os.Stderr, "mkcapture:", err)
		os.Exit(1)
	}
}

// load reads every event of path that sysdig 0.29.3 knows, converted to the
// v2 layout, and returns them with the metadata of the (first) section.
func load(path string) (*scap.Metadata, []rec, error) {
	r, err := scap.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	meta := r.Metadata()
	var recs []rec
	err = r.Each(func(ev *scap.Event) error {
		if int(ev.Type) >= scap.NumEvents029 {
			return nil
		}
		raw := ev.Raw()
		var b []byte
		switch ev.HeaderLen() {
		case scap.EventHeaderV2:
			b = append([]byte(nil), raw...)
		case scap.EventHeaderV1:
			b = make([]byte, 0, len(raw)+4)
			b = append(b, raw[:scap.EventHeaderV1]...)
			b = binary.LittleEndian.AppendUint32(b, ev.NParams)
			b = append(b, raw[scap.EventHeaderV1:]...)
			binary.LittleEndian.PutUint32(b[16:], uint32(len(b)))
		default:
			return fmt.Errorf("unexpected event header length %d", ev.HeaderLen())
		}
		recs = append(recs, rec{cpu: ev.CPU, flags: ev.Flags, raw: b})
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if len(recs) == 0 {
		return nil, nil, fmt.Errorf("%s: no usable events", path)
	}
	return meta, recs, nil
}

func run(in, out string, total int64) error {
	meta, recs, err := load(in)
	if err != nil {
		return err
	}
	first := binary.LittleEndian.Uint64(recs[0].raw)
	last := first
	for _, rc := range recs {
		if ts := binary.LittleEndian.Uint64(rc.raw); ts > last {
			last = ts
		}
	}
	period := last - first + 1_000_000 // one repetition plus 1ms

	w, err := scap.Create(out, scap.CompressNone)
	if err != nil {
		return err
	}
	if err := w.WriteSection(meta); err != nil {
		w.Close()
		return err
	}
	var n int64
	var shift uint64
	buf := make([]byte, 0, 64<<10)
	for n < total {
		for _, rc := range recs {
			if n == total {
				break
			}
			buf = append(buf[:0], rc.raw...)
			ts := binary.LittleEndian.Uint64(buf)
			binary.LittleEndian.PutUint64(buf, ts+shift)
			if err := w.WriteRaw(rc.cpu, rc.flags, buf); err != nil {
				w.Close()
				return err
			}
			n++
		}
		shift += period
	}
	if err := w.Close(); err != nil {
		return err
	}
	return os.WriteFile(out+".count", []byte(strconv.FormatInt(n, 10)+"\n"), 0o644)
}
