package scap_test

import (
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/traceproj/trace/internal/synth"
	"github.com/traceproj/trace/scap"
)

func TestEachVisitsEveryEventAndStopsOnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "each.scap")
	if err := synth.RandomScenario(path, 7, 300); err != nil {
		t.Fatal(err)
	}
	var want []uint64
	r, err := scap.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var ev scap.Event
	for {
		if err := r.NextInto(&ev); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		want = append(want, ev.Ts)
	}
	r.Close()
	if len(want) < 100 {
		t.Fatalf("only %d events in the scenario", len(want))
	}

	r, err = scap.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []uint64
	stop := errors.New("stop")
	err = r.Each(func(ev *scap.Event) error {
		got = append(got, ev.Ts)
		if len(got) == 50 {
			return stop
		}
		return nil
	})
	if err != stop || len(got) != 50 {
		t.Fatalf("Each = %v after %d events, want the callback's error after 50", err, len(got))
	}
	if err := r.Each(func(ev *scap.Event) error { got = append(got, ev.Ts); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("Each saw %d events, NextInto %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("event %d: ts %d, want %d", i, got[i], want[i])
		}
	}
}
