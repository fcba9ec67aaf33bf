package rules

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// HTTPOptions tune an HTTPSender; zero fields take the defaults.
type HTTPOptions struct {
	// QueueSize bounds the alerts waiting to be sent (default 1024);
	// alerts arriving when it is full are dropped and counted.
	QueueSize int
	// Retries is how many times a failed post is retried (default 3).
	Retries int
	// Backoff is the wait before the first retry, doubled for each
	// further one (default 200ms).
	Backoff time.Duration
	// Timeout bounds one request (default 5s).
	Timeout time.Duration
	// Client sends the requests (default: a client with Timeout that
	// follows no redirects).
	Client *http.Client
	// Block makes Send wait for room in the queue instead of dropping:
	// reading a file can wait for the endpoint, a live capture cannot.
	Block bool
	// Report, when set, is told of failures while running: the first at
	// once, then at most one line every ReportEvery (default 10s) with
	// the count since.
	Report      func(msg string)
	ReportEvery time.Duration
}

// HTTPSender posts alerts (JSON objects) to an HTTP endpoint such as
// falcosidekick, one request per alert, from a background goroutine:
// a slow or dead endpoint never blocks event processing.
type HTTPSender struct {
	url   string
	o     HTTPOptions
	queue chan []byte
	done  chan struct{}
	stop  context.CancelFunc
	ctx   context.Context
	once  sync.Once

	sent    atomic.Int64
	dropped atomic.Int64
	retried atomic.Int64
	lastErr atomic.Pointer[string]

	repMu      sync.Mutex
	reported   time.Time // last report
	failures   int64     // failures and drops since the last report
	everFailed bool
	// down is set when a post was given up: later ones are tried once,
	// without retries, until one goes through (the sender goroutine
	// alone uses it).
	down bool
}

// NewHTTPSender starts a sender posting to url.
func NewHTTPSender(url string, o HTTPOptions) *HTTPSender {
	if o.QueueSize <= 0 {
		o.QueueSize = 1024
	}
	if o.Retries < 0 {
		o.Retries = 0
	} else if o.Retries == 0 {
		o.Retries = 3
	}
	if o.Backoff <= 0 {
		o.Backoff = 200 * time.Millisecond
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: o.Timeout, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a redirect is an answer, not a delivery
		}}
	}
	if o.ReportEvery <= 0 {
		o.ReportEvery = 10 * time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &HTTPSender{url: url, o: o, queue: make(chan []byte, o.QueueSize), done: make(chan struct{}), ctx: ctx, stop: cancel}
	go s.loop()
	return s
}

// Send queues one alert (the body is copied). Unless Block is set it
// never blocks: when the queue is full the alert is dropped and false
// returned.
func (s *HTTPSender) Send(body []byte) bool {
	b := append([]byte(nil), body...)
	if s.o.Block {
		select {
		case s.queue <- b:
			return true
		case <-s.ctx.Done():
		}
	} else {
		select {
		case s.queue <- b:
			return true
		default:
		}
	}
	s.dropped.Add(1)
	s.failed("alert queue full: alert dropped")
	return false
}

// failed counts a failure and reports it when it is time.
func (s *HTTPSender) failed(msg string) {
	if s.o.Report == nil {
		return
	}
	s.repMu.Lock()
	defer s.repMu.Unlock()
	s.failures++
	now := time.Now()
	switch {
	case !s.everFailed:
		s.everFailed = true
		s.o.Report(msg)
	case now.Sub(s.reported) >= s.o.ReportEvery:
		s.o.Report(fmt.Sprintf("%d failures in the last %s (last: %s)", s.failures, now.Sub(s.reported).Round(time.Second), msg))
	default:
		return
	}
	s.reported, s.failures = now, 0
}

func (s *HTTPSender) loop() {
	defer close(s.done)
	for b := range s.queue {
		if s.post(b) {
			s.sent.Add(1)
			s.down = false
		} else {
			s.dropped.Add(1)
			s.down = true
		}
	}
}

// post sends one alert with retries; false when it was given up.
func (s *HTTPSender) post(body []byte) bool {
	wait := s.o.Backoff
	for attempt := 0; ; attempt++ {
		retry, err := s.try(body)
		if err == nil {
			return true
		}
		if s.ctx.Err() != nil {
			return false // stopped: the cause is the stop, keep the last real error
		}
		msg := err.Error()
		s.lastErr.Store(&msg)
		if !retry || attempt >= s.o.Retries || s.down {
			s.failed(msg)
			return false
		}
		s.retried.Add(1)
		select {
		case <-time.After(wait):
		case <-s.ctx.Done():
			return false
		}
		wait *= 2
	}
}

// try posts once; retry tells whether a failure may succeed later.
func (s *HTTPSender) try(body []byte) (retry bool, err error) {
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "trace")
	resp, err := s.o.Client.Do(req)
	if err != nil {
		return true, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return false, nil
	}
	err = fmt.Errorf("%s: %s", s.url, resp.Status)
	if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return false, fmt.Errorf("%s: %s (redirect to %q not followed)", s.url, resp.Status, loc)
	}
	// Client errors other than throttling will not get better.
	retry = resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout
	return retry, err
}

// HTTPStats are a sender's counters.
type HTTPStats struct {
	Sent, Dropped, Retries int64
	// LastError is the last failure, "" if none.
	LastError string
}

// Stats returns the counters so far.
func (s *HTTPSender) Stats() HTTPStats {
	st := HTTPStats{Sent: s.sent.Load(), Dropped: s.dropped.Load(), Retries: s.retried.Load()}
	if p := s.lastErr.Load(); p != nil {
		st.LastError = *p
	}
	return st
}

// Close stops accepting alerts and waits up to timeout for the queued
// ones to be sent; those still queued then are dropped.
func (s *HTTPSender) Close(timeout time.Duration) HTTPStats {
	s.once.Do(func() { close(s.queue) })
	select {
	case <-s.done:
	case <-time.After(timeout):
		s.stop()
		<-s.done
	}
	s.stop()
	return s.Stats()
}
