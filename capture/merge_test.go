package capture

import (
	"encoding/binary"
	"sort"
	"testing"
)

// fakeSource hands out pre-made records, at most per fill at a time.
type fakeSource struct {
	recs [][]byte
	per  int
	// later records become visible only after calls fills (a ring that
	// fills while the merge runs).
	after map[int][][]byte
	calls int
}

func (f *fakeSource) fill(q *queue) (int, error) {
	f.calls++
	if more, ok := f.after[f.calls]; ok {
		f.recs = append(f.recs, more...)
	}
	n := 0
	for n < len(q.bufs) && n < f.per && len(f.recs) > 0 {
		q.bufs[n] = append(q.bufs[n][:0], f.recs[0]...) // copy, like ReadInto
		f.recs = f.recs[1:]
		n++
	}
	return n, nil
}

func tsRec(ts uint64) []byte {
	b := make([]byte, 32)
	binary.LittleEndian.PutUint64(b, ts)
	return b
}

func TestMergeOrders(t *testing.T) {
	mk := func(ts ...uint64) [][]byte {
		var out [][]byte
		for _, v := range ts {
			out = append(out, tsRec(v))
		}
		return out
	}
	srcs := []source{
		&fakeSource{recs: mk(1, 4, 7, 10, 13), per: 2},
		&fakeSource{recs: nil, per: 8}, // an empty ring
		&fakeSource{recs: mk(2, 3, 5, 6, 20), per: 1},
		&fakeSource{recs: mk(8, 9), per: 4, after: map[int][][]byte{3: mk(11, 12)}},
	}
	m := newMerger(srcs, []uint16{0, 1, 2, 3}, 4)
	var got []uint64
	cpus := map[uint64]uint16{}
	for {
		rec, cpu, ok, err := m.next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		ts := binary.LittleEndian.Uint64(rec)
		got = append(got, ts)
		cpus[ts] = cpu
	}
	want := []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 20}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if !sort.SliceIsSorted(got, func(i, j int) bool { return got[i] < got[j] }) {
		t.Errorf("not in order: %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if cpus[20] != 2 || cpus[11] != 3 || cpus[1] != 0 {
		t.Errorf("wrong cpus: %v", cpus)
	}
}

func TestMergeEmpty(t *testing.T) {
	m := newMerger([]source{&fakeSource{}, &fakeSource{}}, []uint16{0, 1}, 4)
	if _, _, ok, err := m.next(); ok || err != nil {
		t.Fatalf("ok=%v err=%v on empty rings", ok, err)
	}
}

// A record handed out must stay intact while other rings are refilled.
func TestMergeKeepsRecordUntilNext(t *testing.T) {
	a := &fakeSource{recs: [][]byte{tsRec(1)}, per: 1}
	b := &fakeSource{recs: [][]byte{tsRec(2)}, per: 1}
	m := newMerger([]source{a, b}, []uint16{0, 1}, 1)
	r1, _, _, _ := m.next()
	keep := append([]byte(nil), r1...)
	r2, _, _, _ := m.next()
	if binary.LittleEndian.Uint64(r2) != 2 || string(keep) != string(tsRec(1)) {
		t.Fatal("unexpected records")
	}
}
