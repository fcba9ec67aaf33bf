// Package pipeline owns a run of trace: events flow one way from a source
// (capture files or the live eBPF capture) through the state engine, the
// -U suppression, the filter (a capture filter, or a display filter with
// -d) and the -n/-M limits, to the sinks: the line printer (default line,
// -p, -j), the capture writer (-w), the -S summary, and the analysis
// sinks (chisels, rules) behind the Sink interface.
//
// A Pipeline is built from Options by the command that parsed the command
// line (trace, ctrace); it holds no package-level state. Cancelling the
// context given to ReadFiles or Live stops the run cleanly: a file stops
// at the next event, a live capture stops its probes and drains what they
// queued.
package pipeline
