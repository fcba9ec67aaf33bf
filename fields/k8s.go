package fields

import (
	"sort"
	"strings"

	"github.com/traceproj/trace/state"
)

// Fields of the k8s class. Reading a capture, sysdig 0.29.3 has no
// Kubernetes API server to ask; what it knows of pods comes from the
// labels the container runtime puts on containers:
//
//   - k8s.pod.name, k8s.pod.id and k8s.ns.name are the container's
//     io.kubernetes.pod.name, io.kubernetes.pod.uid and
//     io.kubernetes.pod.namespace labels;
//   - k8s.pod.label.NAME and k8s.pod.labels come from the labels of the
//     pod's sandbox container (named by the io.kubernetes.sandbox.id
//     label), without the io.kubernetes.* and annotation.* ones.
//
// Only containers with at least one label are looked at. Every other
// field of the class needs the API server and has no value.

// labeledContainer returns the event's container when it has labels.
func labeledContainer(c *Ctx) (*state.Container, *state.Engine) {
	_, ct := containerOf(c)
	if ct == nil || len(ct.Labels) == 0 {
		return nil, nil
	}
	return ct, c.Ev.Engine()
}

// podSandbox returns the labels of the pod sandbox of the event's
// container, or nil.
func podSandbox(c *Ctx) map[string]string {
	ct, e := labeledContainer(c)
	if ct == nil {
		return nil
	}
	id, ok := ct.Labels["io.kubernetes.sandbox.id"]
	if !ok {
		return nil
	}
	if len(id) > 12 {
		id = id[:12]
	}
	sb := e.Containers.Get(id)
	if sb == nil || len(sb.Labels) == 0 {
		return nil
	}
	return sb.Labels
}

// labelField registers a field whose value is a label of the container.
func labelField(name, label string) entry {
	return get(name, PFNA, func(c *Ctx, v *Value) bool {
		ct, _ := labeledContainer(c)
		if ct == nil {
			return false
		}
		s, ok := ct.Labels[label]
		if !ok {
			return false
		}
		return setStr(c, v, s)
	})
}

// appendPodLabels appends "key:value" pairs (just "key" for an empty
// value) separated by ", ", sorted by key, leaving out the runtime's own
// labels.
func appendPodLabels(b []byte, labels map[string]string) []byte {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		if strings.HasPrefix(k, "annotation.") || strings.HasPrefix(k, "io.kubernetes.") {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, k...)
		if val := labels[k]; val != "" {
			b = append(b, ':')
			b = append(b, val...)
		}
	}
	return b
}

var k8sTable = []entry{
	labelField("k8s.pod.name", "io.kubernetes.pod.name"),
	labelField("k8s.pod.id", "io.kubernetes.pod.uid"),
	labelField("k8s.ns.name", "io.kubernetes.pod.namespace"),
	{"k8s.pod.label", argDotLabel, func(f *Field) error {
		name := f.Arg
		f.get = func(c *Ctx, v *Value) bool {
			s, ok := podSandbox(c)[name]
			if !ok {
				return false
			}
			return setStr(c, v, s)
		}
		return nil
	}},
	get("k8s.pod.labels", PFNA, func(c *Ctx, v *Value) bool {
		labels := podSandbox(c)
		if labels == nil {
			return false
		}
		v.S = c.keep(appendPodLabels(c.scratch(), labels))
		return true
	}),
	// Fields that need the API server.
	never("k8s.rc.label", argDotLabel),
	never("k8s.rc.labels", argNone),
	never("k8s.rc.id", argNone),
	never("k8s.rc.name", argNone),
	never("k8s.svc.label", argDotLabel),
	never("k8s.svc.labels", argNone),
	never("k8s.svc.id", argNone),
	never("k8s.svc.name", argNone),
	never("k8s.ns.label", argDotLabel),
	never("k8s.ns.labels", argNone),
	never("k8s.ns.id", argNone),
	never("k8s.rs.label", argDotLabel),
	never("k8s.rs.labels", argNone),
	never("k8s.rs.id", argNone),
	never("k8s.rs.name", argNone),
	never("k8s.deployment.label", argDotLabel),
	never("k8s.deployment.labels", argNone),
	never("k8s.deployment.id", argNone),
	never("k8s.deployment.name", argNone),
}
