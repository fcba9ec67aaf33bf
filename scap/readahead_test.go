package scap

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// The bytes read before a read error come first, then the error, again
// on every later Read.
func TestReadAheadError(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), raChunkSize/16*2+1000)
	boom := errors.New("boom")
	a := newReadAhead(io.MultiReader(bytes.NewReader(data), iotest.ErrReader(boom)))
	defer a.Close()
	var got []byte
	buf := make([]byte, 7777)
	var err error
	for err == nil {
		var n int
		n, err = a.Read(buf)
		got = append(got, buf[:n]...)
	}
	if !errors.Is(err, boom) || !bytes.Equal(got, data) {
		t.Fatalf("read %d of %d bytes, then %v", len(got), len(data), err)
	}
	if n, err := a.Read(buf); n != 0 || !errors.Is(err, boom) {
		t.Fatalf("after the error: %d, %v", n, err)
	}
	b := newReadAhead(bytes.NewReader(data[:10]))
	defer b.Close()
	if got, err := io.ReadAll(b); err != nil || !bytes.Equal(got, data[:10]) {
		t.Fatalf("short input: %q, %v", got, err)
	}
}
