//go:build linux && amd64

package capture

import (
	"encoding/binary"
	"errors"
	"maps"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/traceproj/trace/scap"
)

func TestParseStatTimes(t *testing.T) {
	line := []byte("4242 (we(ird) name)) R 1 4242 4242 0 -1 4194560 137 0 0 0 1234 567 0 0 20 0 1 0 99 1000 100 18446744073709551615\n")
	u, s, ok := parseStatTimes(line)
	if !ok || u != 1234 || s != 567 {
		t.Fatalf("parseStatTimes = %d, %d, %v; want 1234, 567, true", u, s, ok)
	}
	if _, _, ok := parseStatTimes([]byte("4242 (short) R 1 2")); ok {
		t.Fatal("a short stat line parsed")
	}
}

// TestLiveProcinfo: once per second of event time, every thread gets a
// procinfo event stamped 1 ns before the second, on CPU 0, with CPU
// ticks that grow for a busy process; events stay in time order.
func TestLiveProcinfo(t *testing.T) {
	needLive(t)
	c, err := Open(Options{EventTypes: []uint16{}, SchedSwitch: true, SkipProcScan: true, BufferSize: 1 << 20, Procinfo: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	busy := exec.Command("/bin/sh", "-c", "i=0; while [ $i -lt 1000000000 ]; do i=$((i+1)); done")
	if err := busy.Start(); err != nil {
		t.Fatal(err)
	}
	defer busy.Process.Kill()
	pid := int64(busy.Process.Pid)
	var ev scap.Event
	var last uint64
	rounds := map[uint64]uint64{} // second stamp -> busy process ticks
	deadline := time.Now().Add(10 * time.Second)
	for len(rounds) < 3 && time.Now().Before(deadline) {
		if err := c.NextInto(&ev); err != nil {
			t.Fatal(err)
		}
		if ev.Ts < last {
			t.Fatalf("event at %d after one at %d", ev.Ts, last)
		}
		last = ev.Ts
		if ev.Type != scap.PPME_PROCINFO_E {
			continue
		}
		if ev.Ts%1e9 != 1e9-1 || ev.CPU != 0 || ev.NumParams() != 2 {
			t.Fatalf("procinfo at %d on cpu %d with %d params", ev.Ts, ev.CPU, ev.NumParams())
		}
		if _, ok := rounds[ev.Ts]; !ok {
			rounds[ev.Ts] = 0
		}
		if int64(ev.Tid) == pid {
			rounds[ev.Ts] = binary.LittleEndian.Uint64(ev.Param(0)) + binary.LittleEndian.Uint64(ev.Param(1))
		}
	}
	busy.Process.Kill()
	busy.Wait()
	if len(rounds) < 3 {
		t.Fatalf("%d procinfo rounds in 10 s, want 3", len(rounds))
	}
	var prev uint64
	var grew bool
	first := true
	for _, ts := range slices.Sorted(maps.Keys(rounds)) {
		if !first && rounds[ts] > prev {
			grew = true
		}
		first, prev = false, rounds[ts]
	}
	if !grew {
		t.Fatalf("busy process %d's CPU ticks did not grow: %v", pid, rounds)
	}
}

// TestLiveProcinfoIdle: with the probes sending nothing (no event types,
// no scheduler switches), procinfo rounds still come every wall-clock
// second, so event time moves on a quiet system.
func TestLiveProcinfoIdle(t *testing.T) {
	needLive(t)
	c, err := Open(Options{EventTypes: []uint16{}, SkipProcScan: true, BufferSize: 1 << 20, Procinfo: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var ev scap.Event
	var secs []uint64
	start := time.Now()
	stop := time.AfterFunc(6*time.Second, c.Stop) // NextInto would wait for ever
	defer stop.Stop()
	for len(secs) < 4 {
		if err := c.NextInto(&ev); errors.Is(err, ErrStopped) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if ev.Type != scap.PPME_PROCINFO_E {
			continue
		}
		if sec := ev.Ts / 1e9; len(secs) == 0 || secs[len(secs)-1] != sec {
			secs = append(secs, sec)
		}
	}
	if len(secs) < 4 {
		t.Fatalf("%d procinfo rounds in %v of an idle capture, want 4 in about 3 s", len(secs), time.Since(start))
	}
	for i := 1; i < len(secs); i++ {
		if secs[i] != secs[i-1]+1 {
			t.Errorf("procinfo rounds at seconds %v: not one per second", secs)
		}
	}
	if d := time.Since(start); d > 4500*time.Millisecond {
		t.Errorf("4 rounds took %v", d)
	}
}
