-- trace's helper library for chisels: string padding, splitting, byte
-- and time formatting, sorted iteration and the table printer used by the
-- top* chisels. Function names follow the helpers sysdig's chisels use,
-- so user chisels written against them keep working.

json = require "dkjson"

-- Renders a value as Lua-like source text (tables recursively).
function st(val, name, skipnewlines, depth)
	skipnewlines = skipnewlines or false
	depth = depth or 0
	local nl = skipnewlines and "" or "\n"
	local out = string.rep(" ", depth)
	if name then
		out = out .. name .. " = "
	end
	local t = type(val)
	if t == "table" then
		local parts = {out, "{", nl}
		for k, v in pairs(val) do
			parts[#parts + 1] = st(v, k, skipnewlines, depth + 1) .. "," .. nl
		end
		parts[#parts + 1] = string.rep(" ", depth) .. "}"
		return table.concat(parts)
	elseif t == "number" then
		return out .. tostring(val)
	elseif t == "string" then
		return out .. string.format("%q", val)
	elseif t == "boolean" then
		return out .. (val and "true" or "false")
	end
	return out .. "\"[inserializeable datatype:" .. t .. "]\""
end

-- Pads s with spaces to width; a string that does not fit is cut to
-- width-1 characters followed by a space.
function extend_string(s, width)
	local n = #s
	if n < width then
		return s .. string.rep(" ", width - n)
	end
	if width <= 0 then
		return ""
	end
	return s:sub(1, width - 1) .. " "
end

-- Splits s at every match of the pattern sep.
function split(s, sep)
	local parts = {}
	local pos = 1
	local text = s .. sep
	while true do
		local a, b = string.find(text, sep, pos)
		if a == nil then
			break
		end
		parts[#parts + 1] = text:sub(pos, a - 1)
		if b < a then
			b = a
		end
		pos = b + 1
	end
	return parts
end

function starts_with(s, prefix)
	return prefix == "" or s:sub(1, #prefix) == prefix
end

function ends_with(s, suffix)
	return suffix == "" or s:sub(-#suffix) == suffix
end

local KB = 1024
local MB = KB * KB
local GB = MB * KB
local TB = GB * KB
local PB = TB * KB

-- 1230 -> "1.20KB"; values up to 1024 print as bytes ("832B").
function format_bytes(val)
	if val > PB then
		return string.format("%.2fP", val / PB)
	elseif val > TB then
		return string.format("%.2fT", val / TB)
	elseif val > GB then
		return string.format("%.2fG", val / GB)
	elseif val > MB then
		return string.format("%.2fM", val / MB)
	elseif val > KB then
		return string.format("%.2fKB", val / KB)
	end
	return string.format("%dB", val)
end

ONE_S_IN_NS = 1000000000
ONE_MS_IN_NS = 1000000
ONE_US_IN_NS = 1000

-- Nanoseconds to a short human form: "1.10s", "35ms", "7.38us", "705ns".
function format_time_interval(ns)
	if ns >= ONE_S_IN_NS then
		return string.format("%u.%02us", math.floor(ns / ONE_S_IN_NS), (ns % ONE_S_IN_NS) / 10000000)
	elseif ns >= 10 * ONE_MS_IN_NS then
		return string.format("%ums", math.floor(ns / ONE_MS_IN_NS))
	elseif ns >= ONE_MS_IN_NS then
		return string.format("%u.%02ums", math.floor(ns / ONE_MS_IN_NS), (ns % ONE_MS_IN_NS) / 10000)
	elseif ns >= 10 * ONE_US_IN_NS then
		return string.format("%uus", math.floor(ns / ONE_US_IN_NS))
	elseif ns >= ONE_US_IN_NS then
		return string.format("%u.%02uus", math.floor(ns / ONE_US_IN_NS), (ns % ONE_US_IN_NS) / 10)
	end
	return string.format("%uns", ns)
end

-- Iterates the first num entries of t (all when num is 0) in the order
-- given by before(t, k1, k2).
function pairs_top_by_val(t, num, before)
	local keys = {}
	for k in pairs(t) do
		keys[#keys + 1] = k
	end
	table.sort(keys, function(a, b) return before(t, a, b) end)
	local i = 0
	return function()
		i = i + 1
		local k = keys[i]
		if k ~= nil and (num == 0 or i <= num) then
			return k, t[k]
		end
	end
end

-- Seconds and nanoseconds to a nanosecond timestamp string.
function ts_to_str(s, ns)
	return string.format("%u%.9u", s, ns)
end

local COL = 20

local function render_value(v, units_kind, timedelta)
	if units_kind == "none" then
		return tostring(v)
	elseif units_kind == "bytes" then
		return format_bytes(v)
	elseif units_kind == "time" then
		return format_time_interval(v)
	elseif units_kind == "timepct" then
		if timedelta > 0 then
			return string.format("%.2f%%", v / timedelta * 100)
		end
		return "0.00%"
	end
end

-- Prints a key -> value table, largest values first, as a text table or
-- (when viz_info.output_format is "json") as a JSON document. Keys made
-- of several fields are joined with "\001\001".
function print_sorted_table(stable, ts_s, ts_ns, timedelta, viz_info)
	local rows = pairs_top_by_val(stable, viz_info.top_number, function(t, a, b) return t[b] < t[a] end)
	if viz_info.output_format == "json" then
		local data = {}
		for k, v in rows do
			local row = split(k, "\001\001")
			row[#row + 1] = v
			data[#data + 1] = row
		end
		local info = {}
		for i, name in ipairs(viz_info.key_fld) do
			info[i] = {desc = viz_info.key_desc[i], name = name, is_key = true}
		end
		info[3] = {desc = viz_info.value_desc, name = viz_info.value_fld, is_key = false}
		print(json.encode({ts = sysdig.make_ts(ts_s, ts_ns), data = data, info = info}, {indent = true}))
		return
	end
	local header = extend_string(viz_info.value_desc, COL)
	for _, d in ipairs(viz_info.key_desc) do
		header = header .. extend_string(d, COL)
	end
	print(header)
	print(string.rep("-", 80))
	for k, v in rows do
		local cols = split(k, "\001\001")
		local line = ""
		for i, c in ipairs(cols) do
			if i < #cols then
				line = line .. extend_string(c:sub(1, COL), COL)
			else
				line = line .. c
			end
		end
		local rendered = render_value(v, viz_info.value_units, timedelta)
		if rendered ~= nil then
			print(extend_string(rendered, COL) .. line)
		end
	end
end

-- tonumber(value), or a message and the end of the program.
function parse_numeric_input(value, name)
	local n = tonumber(value)
	if n == nil then
		print(string.format("Input %s must be a number.", name))
		os.exit()
	end
	return n
end

-- Deep copy, metatables included.
function copytable(orig)
	if type(orig) ~= "table" then
		return orig
	end
	local c = {}
	for k, v in next, orig, nil do
		c[copytable(k)] = copytable(v)
	end
	setmetatable(c, copytable(getmetatable(orig)))
	return c
end

-- Appends the array src to dst.
function concattable(dst, src)
	for i = 1, #src do
		dst[#dst + 1] = src[i]
	end
	return dst
end

-- type(), or the _NAME of a table's or userdata's metatable.
function typeof(v)
	local t = type(v)
	if t ~= "table" and t ~= "userdata" then
		return t
	end
	local mt = getmetatable(v)
	if mt ~= nil and mt._NAME ~= nil then
		return mt._NAME
	end
	return t
end
