// Package fields is trace's field catalog: the evt.*, proc.*, thread.*,
// fd.*, user.*, group.*, container.* ... fields that filters, -p formats,
// chisels and rules read, and the rendering of event parameters
// (evt.info, evt.arg.*) exactly as sysdig prints them.
package fields
