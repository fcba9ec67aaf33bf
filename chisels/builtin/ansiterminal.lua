-- trace's terminal helpers for chisels: ANSI color strings (set by
-- enable_color) and cursor/screen control sequences written to stdout.

local terminal = {}

local ESC = string.char(27) .. "["

local codes = {
	reset = 0, clear = 0, bright = 1, dim = 2, underscore = 4, blink = 5,
	reverse = 7, hidden = 8,
	black = 30, red = 31, green = 32, yellow = 33, blue = 34, magenta = 35,
	cyan = 36, white = 37,
	onblack = 40, onred = 41, ongreen = 42, onyellow = 43, onblue = 44,
	onmagenta = 45, oncyan = 46, onwhite = 47,
}

-- enable_color(true) defines the color fields (terminal.red, ...);
-- enable_color(false) sets them all to "".
function terminal.enable_color(on)
	for name, code in pairs(codes) do
		if on == true then
			terminal[name] = ESC .. code .. "m"
		else
			terminal[name] = ""
		end
	end
end

local function put(seq)
	io.write(ESC .. seq)
end

function terminal.clearscreen() put("2J") end
function terminal.moveto(x, y) put(tostring(x) .. ";" .. tostring(y) .. "H") end
function terminal.moveup(n) put(tostring(n) .. "F") end
function terminal.clearline() put("2K") end
function terminal.hidecursor() put("?25l") end
function terminal.showcursor() put("?25h") end
function terminal.setfgcol(c) put("38;5;" .. c .. "m") end
function terminal.setbgcol(c) put("48;5;" .. c .. "m") end

return terminal
