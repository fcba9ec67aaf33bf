package rules

import (
	"encoding/json"
	"fmt"
	"strings"
)

// AppendOutput is one entry of current Falco's append_output setting: text
// appended to the outputs of the rules it matches, and fields added to
// their JSON output_fields only.
type AppendOutput struct {
	// Match: every condition given must hold (none: every rule).
	Rule   string
	Source string
	Tags   []string
	// Output is appended to the rule's output, after a space.
	Output string
	// Fields are field names added to output_fields.
	Fields []string
}

// ParseAppendOutput reads an append_output entry as Falco's -o
// append_output[]=... takes it, a JSON object
// {"match": {"rule", "source", "tags"}, "extra_output", "extra_fields"},
// or, when s is not an object, plain text appended to every rule.
func ParseAppendOutput(s string) (AppendOutput, error) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "{") {
		return AppendOutput{Output: s}, nil
	}
	var raw struct {
		Match *struct {
			Rule   string   `json:"rule"`
			Source string   `json:"source"`
			Tags   []string `json:"tags"`
		} `json:"match"`
		ExtraOutput string            `json:"extra_output"`
		ExtraFields []json.RawMessage `json:"extra_fields"`
	}
	dec := json.NewDecoder(strings.NewReader(t))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return AppendOutput{}, fmt.Errorf("append_output entry %s: %v", t, err)
	}
	a := AppendOutput{Output: raw.ExtraOutput}
	if raw.Match != nil {
		a.Rule, a.Source, a.Tags = raw.Match.Rule, raw.Match.Source, raw.Match.Tags
	}
	for _, f := range raw.ExtraFields {
		var name string
		if err := json.Unmarshal(f, &name); err != nil {
			return AppendOutput{}, fmt.Errorf("append_output entry %s: extra_fields takes field names (custom names with formats are not supported)", t)
		}
		a.Fields = append(a.Fields, name)
	}
	return a, nil
}

// matches reports whether the entry applies to rule r.
func (a *AppendOutput) matches(name, source string, tags []string) bool {
	if a.Rule != "" && a.Rule != name {
		return false
	}
	if a.Source != "" && a.Source != source {
		return false
	}
	for _, t := range a.Tags {
		found := false
		for _, rt := range tags {
			if rt == t {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}
