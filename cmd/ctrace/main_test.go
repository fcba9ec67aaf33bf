package main

import (
	"os"
	"testing"
	"time"
)

// TestMain runs the tests in UTC: difftest runs csysdig with TZ=UTC, and
// ctrace's headless mode runs in this process.
func TestMain(m *testing.M) {
	os.Setenv("TZ", "UTC")
	time.Local = time.UTC
	os.Exit(m.Run())
}
