// Package views is csysdig's view engine: view definitions (the built-in
// ones and csysdig's view_info Lua files found on the chisel search
// path), and the table that aggregates a run's events into a view's rows
// every sample period, sorts them and prints them as csysdig's --raw and
// -j modes do.
//
// A view is a Table (rows keyed by a field, optionally grouped again by
// another field), a List (one row per event) or a Spectrogram (a table of
// latency buckets). Drilling down from a row adds "key = value" to the
// filter of the next view; Hierarchy keeps that stack.
package views
