package capture_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"

	"github.com/traceproj/trace/capture"
	"github.com/traceproj/trace/scap"
)

// Capture everything until interrupted and write it to a scap file that
// sysdig -r can read.
func ExampleOpen() {
	c, err := capture.Open(capture.Options{})
	if err != nil {
		log.Fatal(err) // e.g. "live capture needs root (CAP_BPF and CAP_PERFMON): ..."
	}
	defer c.Close()
	w, err := scap.Create("out.scap", scap.CompressNone)
	if err != nil {
		log.Fatal(err)
	}
	if err := w.WriteSection(c.Metadata()); err != nil {
		log.Fatal(err)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	go func() { <-sig; c.Stop() }()
	var ev scap.Event
	for {
		err := c.NextInto(&ev)
		if errors.Is(err, capture.ErrStopped) {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		if err := w.WriteRaw(ev.CPU, ev.Flags, ev.Raw()); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	st := c.Stats()
	fmt.Fprintf(os.Stderr, "Driver Events:%d Driver Drops:%d\n", st.Events, st.Drops())
}
