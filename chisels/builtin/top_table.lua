-- Shared body of the top* chisels: on_init hands the work to
-- table_generator with the chisel's keys (container-aware variants when
-- -pc/-pk/-pm is given), value, filter, row count and units.

local M = {}

-- spec fields: keys, descs (arrays), ckeys, cdescs (with containers;
-- default: same as keys/descs), value, value_desc, filter, top, units.
function M.define(spec)
	function on_set_arg(name, val)
		return false
	end
	function on_init()
		local keys, descs = spec.keys, spec.descs
		if sysdig.is_print_container_data() and spec.ckeys ~= nil then
			keys, descs = spec.ckeys, spec.cdescs
		end
		chisel.exec("table_generator",
			table.concat(keys, ","),
			table.concat(descs, ","),
			spec.value,
			spec.value_desc,
			spec.filter,
			tostring(spec.top),
			spec.units)
		return true
	end
end

return M
