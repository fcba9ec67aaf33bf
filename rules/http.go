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
	// Client sends the requests (default: a client with Timeout).
	Client *http.Client
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
		o.Client = &http.Client{Timeout: o.Timeout}
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &HTTPSender{url: url, o: o, queue: make(chan []byte, o.QueueSize), done: make(chan struct{}), ctx: ctx, stop: cancel}
	go s.loop()
	return s
}

// Send queues one alert (the body is copied). It never blocks: when the
// queue is full the alert is dropped and false returned.
func (s *HTTPSender) Send(body []byte) bool {
	b := append([]byte(nil), body...)
	select {
	case s.queue <- b:
		return true
	default:
		s.dropped.Add(1)
		return false
	}
}

func (s *HTTPSender) loop() {
	defer close(s.done)
	for b := range s.queue {
		if s.post(b) {
			s.sent.Add(1)
		} else {
			s.dropped.Add(1)
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
		msg := err.Error()
		s.lastErr.Store(&msg)
		if !retry || attempt >= s.o.Retries || s.ctx.Err() != nil {
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
