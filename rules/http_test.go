package rules

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// collector is a local HTTP endpoint that records the bodies it gets and
// answers with the statuses of fail (then 200).
type collector struct {
	mu     sync.Mutex
	bodies []string
	calls  atomic.Int32
	fail   []int
	block  chan struct{}
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(c.calls.Add(1))
	if c.block != nil {
		<-c.block
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if n <= len(c.fail) {
		w.WriteHeader(c.fail[n-1])
		return
	}
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.bodies = append(c.bodies, string(b))
	c.mu.Unlock()
}

// sendOne sends one alert to c with the options and returns the
// sender's stats once it is closed.
func sendOne(c *collector, o HTTPOptions) HTTPStats {
	srv := httptest.NewServer(c)
	defer srv.Close()
	s := NewHTTPSender(srv.URL, o)
	s.Send([]byte(`{}`))
	return s.Close(5 * time.Second)
}

func TestHTTPSender(t *testing.T) {
	t.Run("delivers", func(t *testing.T) {
		c := &collector{}
		srv := httptest.NewServer(c)
		defer srv.Close()
		s := NewHTTPSender(srv.URL, HTTPOptions{})
		for _, b := range []string{`{"a":1}`, `{"a":2}`} {
			if !s.Send([]byte(b)) {
				t.Fatal("queue full")
			}
		}
		st := s.Close(5 * time.Second)
		if st.Sent != 2 || st.Dropped != 0 || len(c.bodies) != 2 || c.bodies[1] != `{"a":2}` {
			t.Errorf("stats %+v, bodies %q", st, c.bodies)
		}
	})
	t.Run("retries", func(t *testing.T) {
		c := &collector{fail: []int{500, 503, 429}}
		st := sendOne(c, HTTPOptions{Retries: 3, Backoff: time.Millisecond})
		if st.Sent != 1 || st.Retries != 3 || c.calls.Load() != 4 {
			t.Errorf("stats %+v, calls %d", st, c.calls.Load())
		}
	})
	t.Run("gives up", func(t *testing.T) {
		c := &collector{fail: []int{500, 500, 500}}
		st := sendOne(c, HTTPOptions{Retries: 2, Backoff: time.Millisecond})
		if st.Sent != 0 || st.Dropped != 1 || st.LastError == "" {
			t.Errorf("stats %+v", st)
		}
	})
	t.Run("client errors are not retried", func(t *testing.T) {
		c := &collector{fail: []int{400}}
		st := sendOne(c, HTTPOptions{Backoff: time.Millisecond})
		if st.Dropped != 1 || c.calls.Load() != 1 {
			t.Errorf("stats %+v, calls %d", st, c.calls.Load())
		}
	})
	t.Run("bounded queue", func(t *testing.T) {
		c := &collector{block: make(chan struct{})}
		srv := httptest.NewServer(c)
		defer srv.Close()
		s := NewHTTPSender(srv.URL, HTTPOptions{QueueSize: 4})
		accepted := 0
		for i := 0; i < 50; i++ {
			if s.Send([]byte(`{}`)) {
				accepted++
			}
		}
		// One in flight at most, four queued.
		if accepted > 5 || s.Stats().Dropped != int64(50-accepted) {
			t.Errorf("accepted %d, stats %+v", accepted, s.Stats())
		}
		close(c.block)
		st := s.Close(5 * time.Second)
		if st.Sent != int64(accepted) || st.Sent+st.Dropped != 50 {
			t.Errorf("stats %+v", st)
		}
	})
	t.Run("dead endpoint", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		s := NewHTTPSender(url, HTTPOptions{Retries: 1, Backoff: time.Millisecond})
		s.Send([]byte(`{}`))
		st := s.Close(5 * time.Second)
		if st.Dropped != 1 || st.Sent != 0 {
			t.Errorf("stats %+v", st)
		}
	})
	t.Run("close timeout", func(t *testing.T) {
		c := &collector{block: make(chan struct{})}
		srv := httptest.NewServer(c)
		defer func() { close(c.block); srv.Close() }()
		s := NewHTTPSender(srv.URL, HTTPOptions{})
		s.Send([]byte(`{}`))
		s.Send([]byte(`{}`))
		start := time.Now()
		st := s.Close(100 * time.Millisecond)
		if time.Since(start) > 3*time.Second || st.Dropped != 2 {
			t.Errorf("close took %v, stats %+v", time.Since(start), st)
		}
	})
}

// With Block, a fast producer waits for the endpoint: nothing is lost.
func TestHTTPSenderBlockDeliversAll(t *testing.T) {
	c := &collector{}
	srv := httptest.NewServer(c)
	defer srv.Close()
	s := NewHTTPSender(srv.URL, HTTPOptions{QueueSize: 4, Block: true})
	for i := 0; i < 500; i++ {
		s.Send([]byte(`{"n":1}`))
	}
	st := s.Close(10 * time.Second)
	if st.Sent != 500 || st.Dropped != 0 || len(c.bodies) != 500 {
		t.Errorf("sent %d dropped %d received %d, want 500 0 500", st.Sent, st.Dropped, len(c.bodies))
	}
}

// Failures are reported while running, the first at once with its real
// cause; later ones are counted into rate-limited lines.
func TestHTTPSenderReportsFailures(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // connection refused from now on
	var mu sync.Mutex
	var reports []string
	s := NewHTTPSender(url, HTTPOptions{Retries: -1, ReportEvery: time.Hour, Report: func(m string) {
		mu.Lock()
		reports = append(reports, m)
		mu.Unlock()
	}})
	for i := 0; i < 5; i++ {
		s.Send([]byte(`{}`))
	}
	st := s.Close(5 * time.Second)
	mu.Lock()
	defer mu.Unlock()
	if len(reports) != 1 || !strings.Contains(reports[0], "connection refused") {
		t.Errorf("reports %q, want one naming the refused connection", reports)
	}
	if st.Dropped != 5 || !strings.Contains(st.LastError, "connection refused") {
		t.Errorf("stats %+v", st)
	}
}

// A redirect is not followed: the alert is not delivered elsewhere.
func TestHTTPSenderNoRedirects(t *testing.T) {
	c := &collector{}
	other := httptest.NewServer(c)
	defer other.Close()
	srv := httptest.NewServer(http.RedirectHandler(other.URL, http.StatusTemporaryRedirect))
	defer srv.Close()
	s := NewHTTPSender(srv.URL, HTTPOptions{Retries: -1})
	s.Send([]byte(`{}`))
	st := s.Close(5 * time.Second)
	if st.Sent != 0 || st.Dropped != 1 || c.calls.Load() != 0 || !strings.Contains(st.LastError, "not followed") {
		t.Errorf("stats %+v, redirect target called %d times", st, c.calls.Load())
	}
}
