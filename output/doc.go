// Package output turns processed events into text: sysdig's default line,
// -p formats and JSON lines.
package output
