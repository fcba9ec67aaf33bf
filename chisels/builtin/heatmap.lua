-- Terminal heat-map drawing shared by spectrogram and subsecoffset: one
-- row of colored cells per interval, the color (and shading character)
-- growing with the number of calls in the cell.

local M = {}

local palette = {22, 28, 64, 34, 2, 76, 46, 118, 154, 191, 227, 226, 11, 220, 209, 208, 202, 197, 9, 1}
local shades = {" ", "░", "▒", "░"}

-- color returns foreground, background and character for n calls in a
-- cell, at per_sec rows a second.
function M.color(n, per_sec)
	local level = math.log10(n * per_sec + 1) / math.log10(1.6)
	if level < 1 then
		level = 1
	elseif level > #palette then
		level = #palette
	end
	local lo, hi = math.floor(level), math.ceil(level)
	local frac = level - lo
	local ch = shades[math.floor(1 + frac * #shades)]
	-- above 75% a 25% shade with the colors swapped looks 75% filled
	if frac > .75 then
		return palette[hi], palette[lo], ch
	end
	return palette[lo], palette[hi], ch
end

-- row writes cells 1..width of counts; empty cells get background 0 (and
-- foreground 0 when empty_fg is set).
function M.row(terminal, counts, width, per_sec, empty_fg)
	terminal.moveup(1)
	for x = 1, width do
		local n = counts[x]
		local ch
		if n == nil or n == 0 then
			if empty_fg then
				terminal.setfgcol(0)
			else
				terminal.setbgcol(0)
			end
			terminal.setbgcol(0)
			ch = " "
		else
			local fg, bg
			fg, bg, ch = M.color(n, per_sec)
			terminal.setfgcol(fg)
			terminal.setbgcol(bg)
		end
		io.write(ch)
	end
	io.write(terminal.reset .. "\n")
end

return M
