-- trace's JSON module for chisels. It offers encode and decode with the
-- call shapes of the dkjson module sysdig's chisels use: encode(value,
-- {indent = true}) lays objects out one key per line, two spaces per
-- level, arrays on one line; tables whose keys are 1..n (holes allowed)
-- are arrays, holes becoming null.

local json = {version = "trace"}

local escapes = {
	['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
	["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}

local function quote(s)
	return '"' .. s:gsub('[%c"\\]', function(c)
		return escapes[c] or string.format("\\u%04x", c:byte())
	end) .. '"'
end

-- arraylen returns n when t's keys are exactly integers 1..n (some
-- possibly missing), nil otherwise.
local function arraylen(t)
	local max, count = 0, 0
	for k in pairs(t) do
		if type(k) ~= "number" or k < 1 or k ~= math.floor(k) then
			return nil
		end
		if k > max then
			max = k
		end
		count = count + 1
	end
	if max > 10 and max > count * 2 then
		return nil
	end
	return max
end

local encode

local function encode_table(t, indent, level, seen, out)
	if seen[t] then
		error("reference cycle")
	end
	seen[t] = true
	local n = arraylen(t)
	if n ~= nil then
		out[#out + 1] = "["
		for i = 1, n do
			if i > 1 then
				out[#out + 1] = ","
			end
			encode(t[i], indent, level + 1, seen, out)
		end
		out[#out + 1] = "]"
	else
		out[#out + 1] = "{"
		local first = true
		for k, v in pairs(t) do
			local vt = type(v)
			if vt ~= "function" and vt ~= "userdata" and vt ~= "thread" then
				if not first then
					out[#out + 1] = ","
				end
				first = false
				if indent then
					out[#out + 1] = "\n" .. string.rep("  ", level + 1)
				end
				out[#out + 1] = quote(tostring(k))
				out[#out + 1] = ":"
				encode(v, indent, level + 1, seen, out)
			end
		end
		if indent and not first then
			out[#out + 1] = "\n" .. string.rep("  ", level)
		end
		out[#out + 1] = "}"
	end
	seen[t] = nil
end

encode = function(v, indent, level, seen, out)
	local t = type(v)
	if t == "table" then
		encode_table(v, indent, level, seen, out)
	elseif t == "string" then
		out[#out + 1] = quote(v)
	elseif t == "number" then
		if v ~= v or v == math.huge or v == -math.huge then
			out[#out + 1] = "null"
		else
			out[#out + 1] = tostring(v)
		end
	elseif t == "boolean" then
		out[#out + 1] = tostring(v)
	else
		out[#out + 1] = "null"
	end
end

function json.encode(value, state)
	local indent = state ~= nil and state.indent
	local out = {}
	encode(value, indent, 0, {}, out)
	return table.concat(out)
end

-- decode: a small recursive-descent parser; returns value, next
-- position, or nil, position, message on errors.
local function skip(s, i)
	return s:find("[^ \t\r\n]", i) or #s + 1
end

local decode_value

local function decode_string(s, i)
	local out = {}
	i = i + 1
	while true do
		local c = s:sub(i, i)
		if c == "" then
			error({i, "unterminated string"})
		elseif c == '"' then
			return table.concat(out), i + 1
		elseif c == "\\" then
			local e = s:sub(i + 1, i + 1)
			local map = {b = "\b", f = "\f", n = "\n", r = "\r", t = "\t", ['"'] = '"', ["\\"] = "\\", ["/"] = "/"}
			if map[e] then
				out[#out + 1] = map[e]
				i = i + 2
			elseif e == "u" then
				local code = tonumber(s:sub(i + 2, i + 5), 16)
				if code == nil then
					error({i, "bad unicode escape"})
				end
				if code < 0x80 then
					out[#out + 1] = string.char(code)
				elseif code < 0x800 then
					out[#out + 1] = string.char(0xc0 + math.floor(code / 64), 0x80 + code % 64)
				else
					out[#out + 1] = string.char(0xe0 + math.floor(code / 4096), 0x80 + math.floor(code / 64) % 64, 0x80 + code % 64)
				end
				i = i + 6
			else
				error({i, "bad escape"})
			end
		else
			out[#out + 1] = c
			i = i + 1
		end
	end
end

decode_value = function(s, i)
	i = skip(s, i)
	local c = s:sub(i, i)
	if c == "{" then
		local t = {}
		i = skip(s, i + 1)
		if s:sub(i, i) == "}" then
			return t, i + 1
		end
		while true do
			i = skip(s, i)
			if s:sub(i, i) ~= '"' then
				error({i, "key expected"})
			end
			local k
			k, i = decode_string(s, i)
			i = skip(s, i)
			if s:sub(i, i) ~= ":" then
				error({i, "':' expected"})
			end
			t[k], i = decode_value(s, i + 1)
			i = skip(s, i)
			local d = s:sub(i, i)
			if d == "}" then
				return t, i + 1
			elseif d ~= "," then
				error({i, "',' or '}' expected"})
			end
			i = i + 1
		end
	elseif c == "[" then
		local t = {}
		i = skip(s, i + 1)
		if s:sub(i, i) == "]" then
			return t, i + 1
		end
		local n = 0
		while true do
			n = n + 1
			t[n], i = decode_value(s, i)
			i = skip(s, i)
			local d = s:sub(i, i)
			if d == "]" then
				return t, i + 1
			elseif d ~= "," then
				error({i, "',' or ']' expected"})
			end
			i = i + 1
		end
	elseif c == '"' then
		return decode_string(s, i)
	elseif s:sub(i, i + 3) == "true" then
		return true, i + 4
	elseif s:sub(i, i + 4) == "false" then
		return false, i + 5
	elseif s:sub(i, i + 3) == "null" then
		return json.null, i + 4
	end
	local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", i)
	if num == nil or num == "" then
		error({i, "unexpected character"})
	end
	return tonumber(num), i + #num
end

json.null = setmetatable({}, {__tojson = function() return "null" end})

function json.decode(s, pos, nullval)
	local ok, v, next = pcall(decode_value, s, pos or 1)
	if not ok then
		if type(v) == "table" then
			return nil, v[1], v[2]
		end
		error(v)
	end
	if v == json.null then
		v = nullval
	end
	return v, next
end

return json
