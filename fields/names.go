package fields

// Names returns the names of the catalog's fields, in catalog order (for
// shell completion).
func Names() []string {
	var out []string
	for _, c := range catalog {
		for _, d := range c.Defs {
			out = append(out, d.Name)
		}
	}
	return out
}
