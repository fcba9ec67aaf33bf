package fields

import (
	"testing"

	"github.com/traceproj/trace/scap"
)

func TestFlagNames(t *testing.T) {
	ff := scap.FlagTableByName("file_flags@0.29.3")
	mf := scap.FlagTableByName("mmap_flags")
	cases := []struct {
		t    *scap.FlagTable
		v    uint32
		want string
	}{
		{ff, 4097, "O_RDONLY|O_CLOEXEC"},
		{ff, 0, "O_NONE"},
		{ff, 3, "O_RDWR"},
		{ff, 1 | 64 | 1024, "O_DIRECTORY|O_NONBLOCK|O_RDONLY"},
		{mf, 10, "MAP_PRIVATE|MAP_ANONYMOUS"},
	}
	for _, c := range cases {
		if got := string(appendFlagNames(nil, c.t, c.v, false)); got != c.want {
			t.Errorf("%s %d = %q, want %q", c.t.Name, c.v, got, c.want)
		}
	}
}

func TestAppendG(t *testing.T) {
	cases := map[float64]string{0: "0", 1.5: "1.5", 5e-9: "5e-09", 0.123456789: "0.123457", 123456789: "1.23457e+08", 100: "100"}
	for f, want := range cases {
		if got := string(appendG(nil, f)); got != want {
			t.Errorf("appendG(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestAppendBuffer(t *testing.T) {
	data := []byte("\x7fELF\x02\x01hello world\r\nbye")
	cases := []struct {
		f    BufFormat
		want string
	}{
		{PFNormal, ".ELF..hello world..bye"},
		{PFEOLs, "\nELFhello world\nbye"},
		{PFBase64, "f0VMRgIBaGVsbG8gd29ybGQNCmJ5ZQ=="},
		{PFHex, "\n\t0x0000: 7f45 4c46 0201 6865 6c6c 6f20 776f 726c\n\t0x0010: 640d 0a62 7965\n"},
		{PFHexASCII, "\n\t0x0000: 7f45 4c46 0201 6865 6c6c 6f20 776f 726c  .ELF..hello worl\n\t0x0010: 640d 0a62 7965                           d..bye\n"},
	}
	for _, c := range cases {
		if got := string(AppendBuffer(nil, data, c.f)); got != c.want {
			t.Errorf("format %d:\n got %q\nwant %q", c.f, got, c.want)
		}
	}
}

func TestAppendNum(t *testing.T) {
	cases := []struct {
		v      int64
		width  int
		signed bool
		f      scap.ParamFormat
		want   string
	}{
		{-1, 4, true, scap.PF_DEC, "-1"},
		{-1, 4, true, scap.PF_HEX, "FFFFFFFF"},
		{0x7fad48782000, 8, true, scap.PF_HEX, "7FAD48782000"},
		{0644, 4, true, scap.PF_OCT, "0644"},
		{0, 4, true, scap.PF_OCT, "0"},
		{5, 4, true, scap.PF_10_PADDED_DEC, "000000005"},
		{-5, 4, true, scap.PF_10_PADDED_DEC, "-00000005"},
	}
	for _, c := range cases {
		if got := string(appendNum(nil, c.v, c.width, c.signed, c.f)); got != c.want {
			t.Errorf("appendNum(%d, %d, %v) = %q, want %q", c.v, c.width, c.f, got, c.want)
		}
	}
}
