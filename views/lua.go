package views

import (
	"bytes"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// ErrNotView is returned by Parse for Lua files that define no
// view_info table (or that are chisels: they set a description string).
var ErrNotView = fmt.Errorf("not a view")

// Parse runs a Lua file and reads the view_info table it defines, with
// csysdig's rules (unknown keys are ignored, wrong types are errors).
func Parse(name string, src []byte) (*View, error) {
	L := lua.NewState(lua.Options{SkipOpenLibs: false})
	defer L.Close()
	fn, err := L.Load(bytes.NewReader(src), name)
	if err != nil {
		return nil, err
	}
	L.Push(fn)
	if err := L.PCall(0, 0, nil); err != nil {
		return nil, err
	}
	if _, ok := L.GetGlobal("description").(lua.LString); ok {
		return nil, ErrNotView
	}
	vi, ok := L.GetGlobal("view_info").(*lua.LTable)
	if !ok {
		return nil, ErrNotView
	}
	return fromTable(name, vi)
}

func str(v lua.LValue) string {
	switch v := v.(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return v.String()
	}
	return ""
}

func strList(view, key string, v lua.LValue, what string) ([]string, error) {
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, fmt.Errorf("error in view %s: %s is not a table", view, key)
	}
	var out []string
	var err error
	t.ForEach(func(_, e lua.LValue) {
		switch e.(type) {
		case lua.LString, lua.LNumber:
			out = append(out, str(e))
		default:
			if err == nil {
				err = fmt.Errorf("error in view %s: %s entries must be strings", view, what)
			}
		}
	})
	return out, err
}

func boolean(view, key string, v lua.LValue) (bool, error) {
	b, ok := v.(lua.LBool)
	if !ok {
		return false, fmt.Errorf("error in view %s: %s must be a boolean", view, key)
	}
	return bool(b), nil
}

// tableEntries parses with parse each entry of val, the table of tables
// key of view (columns, actions).
func tableEntries[T any](view, key string, val lua.LValue, parse func(*lua.LTable) (T, error)) ([]T, error) {
	tt, ok := val.(*lua.LTable)
	if !ok {
		return nil, fmt.Errorf("error in view %s: %s is not a table", view, key)
	}
	var out []T
	var err error
	tt.ForEach(func(_, ev lua.LValue) {
		if err != nil {
			return
		}
		et, ok := ev.(*lua.LTable)
		if !ok {
			err = fmt.Errorf("view_info %s entries must be tables", strings.TrimSuffix(key, "s"))
			return
		}
		var x T
		x, err = parse(et)
		out = append(out, x)
	})
	return out, err
}

func fromTable(name string, t *lua.LTable) (*View, error) {
	v := &View{PropagateFilter: true}
	var err error
	set := func(e error) {
		if err == nil && e != nil {
			err = e
		}
	}
	t.ForEach(func(k, val lua.LValue) {
		if err != nil {
			return
		}
		key := str(k)
		var e error
		switch key {
		case "name":
			v.Name = str(val)
		case "id":
			v.ID = str(val)
		case "description":
			v.Description = str(val)
		case "tags":
			v.Tags, e = strList(name, key, val, "tags")
		case "tips":
			v.Tips, e = strList(name, key, val, "tips")
		case "applies_to":
			v.AppliesTo, e = strList(name, key, val, "applies_to")
		case "view_type":
			switch str(val) {
			case "table":
				v.Kind = TableView
			case "list":
				v.Kind = ListView
			case "spectrogram":
				v.Kind = SpectroView
			default:
				e = fmt.Errorf("error in view %s: view_type must be either 'table' or 'list'", name)
			}
		case "drilldown_target":
			v.DrilldownTarget = str(val)
		case "spectro_type":
			v.SpectroType = str(val)
		case "filter":
			v.Filter = str(val)
		case "use_defaults":
			v.UseDefaults, e = boolean(name, key, val)
		case "is_root":
			v.IsRoot, e = boolean(name, key, val)
		case "drilldown_increase_depth":
			v.DrilldownIncreaseDepth, e = boolean(name, key, val)
		case "propagate_filter":
			v.PropagateFilter, e = boolean(name, key, val)
		case "columns":
			v.Columns, e = tableEntries(name, key, val, parseColumn)
		case "actions":
			v.Actions, e = tableEntries(name, key, val, parseAction)
		}
		set(e)
	})
	if err != nil {
		return nil, err
	}
	if err := v.finish(); err != nil {
		return nil, err
	}
	return v, nil
}

func parseColumn(t *lua.LTable) (Column, error) {
	c := Column{Size: -1}
	var err error
	flag := func(key string, val lua.LValue, dst *bool) {
		b, ok := val.(lua.LBool)
		if !ok {
			err = fmt.Errorf("%s must be a boolean value", key)
			return
		}
		if b {
			*dst = true
		}
	}
	t.ForEach(func(k, val lua.LValue) {
		if err != nil {
			return
		}
		key := str(k)
		switch key {
		case "name":
			c.Name = str(val)
		case "description":
			c.Description = str(val)
		case "field":
			c.Field = str(val)
		case "filterfield":
			c.FilterField = str(val)
		case "colsize":
			n, ok := val.(lua.LNumber)
			if !ok {
				err = fmt.Errorf("colsize must be a number")
				return
			}
			c.Size = int32(uint32(int64(n)))
		case "is_key":
			flag(key, val, &c.Key)
		case "is_groupby_key":
			flag(key, val, &c.GroupBy)
		case "is_sorting":
			flag(key, val, &c.Sorting)
		case "filter_in_child_only":
			flag(key, val, &c.ChildOnly)
		case "aggregation", "groupby_aggregation":
			if s, ok := val.(lua.LString); ok {
				a, e := ParseAggregation(string(s))
				if e != nil {
					err = e
					return
				}
				if key == "aggregation" {
					c.Aggr = a
				} else {
					c.GroupByAggr = a
				}
			}
		case "tags":
			tt, ok := val.(*lua.LTable)
			if !ok {
				err = fmt.Errorf("tags is not a table")
				return
			}
			tt.ForEach(func(_, e lua.LValue) {
				if s, ok := e.(lua.LString); ok {
					c.Tags = append(c.Tags, string(s))
				} else if err == nil {
					err = fmt.Errorf("tags column entries must be strings")
				}
			})
		}
	})
	if err == nil && c.FilterField != "" && !c.Key && !c.GroupBy {
		err = fmt.Errorf("wrong view column syntax: filterfield specified for a non key column")
	}
	return c, err
}

func parseAction(t *lua.LTable) (Action, error) {
	a := Action{WaitFinish: true}
	var err error
	t.ForEach(func(k, val lua.LValue) {
		if err != nil {
			return
		}
		switch str(k) {
		case "hotkey":
			s := str(val)
			if len(s) != 1 {
				err = fmt.Errorf("action 'key' field must be a single character string")
				return
			}
			a.Hotkey = s[0]
		case "command":
			a.Command = str(val)
		case "description":
			a.Description = str(val)
		case "wait_finish":
			if !lua.LVAsBool(val) {
				a.WaitFinish = false
			}
		case "ask_confirmation":
			if lua.LVAsBool(val) {
				a.AskConfirmation = true
			}
		}
	})
	if err == nil && a.Hotkey == 0 {
		err = fmt.Errorf("action missing the 'key' value")
	}
	if err == nil && a.Command == "" {
		err = fmt.Errorf("action missing the 'command' value")
	}
	return a, err
}
