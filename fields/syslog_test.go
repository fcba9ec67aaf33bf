package fields

import "testing"

// Values checked against sysdig 0.29.3's syslog.* fields.
func TestParseSyslog(t *testing.T) {
	for _, tc := range []struct {
		data       string
		ok         bool
		sev, fac   string // severity and facility, as numbers and names
		msg        string
		sevN, facN uint32
	}{
		{"<13>hello", true, "notice", "user", "hello", 5, 1},
		{"<0>x", true, "emerg", "kern", "x", 0, 0},
		{"<191>last", true, "debug", "local7", "last", 7, 23},
		{"<192>over", true, "emerg", "<NA>", "over", 0, 24},
		{"<13>", true, "notice", "user", "", 5, 1},
		{"x13>no angle", true, "notice", "user", "no angle", 5, 1},
		{"<0013>zeros", true, "notice", "user", "zeros", 5, 1},
		{"<1>\x00nul", true, "alert", "kern", "", 1, 0},
		{"<7>multi\nline", true, "debug", "kern", "multi\nline", 7, 0},
		{"<2147483648>wrap", true, "emerg", "<NA>", "wrap", 0, 0xf0000000},
		{"<4294967295>minus one", false, "", "", "", 0, 0},
		{"<13", false, "", "", "", 0, 0},
		{"<", false, "", "", "", 0, 0},
		{"", false, "", "", "", 0, 0},
		{"<>empty", false, "", "", "", 0, 0},
		{"<-3>minus", false, "", "", "", 0, 0},
		{"< 7>space", false, "", "", "", 0, 0},
	} {
		m, ok := parseSyslog([]byte(tc.data))
		if ok != tc.ok {
			t.Errorf("%q: ok %v, want %v", tc.data, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		if m.Severity != tc.sevN || m.Facility != tc.facN || string(m.Message) != tc.msg ||
			m.severityString() != tc.sev || m.facilityString() != tc.fac {
			t.Errorf("%q: got sev %d %s fac %d %s msg %q", tc.data, m.Severity, m.severityString(), m.Facility, m.facilityString(), m.Message)
		}
	}
}
