-- bench.lua: the Tarantool instance the client comparison runs against.
--
-- Started by bench/cmd/compare through internal/tarantooltest, which passes
-- its settings in the environment (the same contract as testdata/server.lua):
--   TXT_LISTEN        address to listen on
--   TXT_WORK_DIR      work dir for snapshots, WAL and the log
--   TXT_LOG           log file (default TXT_WORK_DIR/tarantool.log)
--   TXT_READY_FILE    created once the schema and data below are in place
--   TXT_MEMTX_MEMORY  memtx arena size in bytes (default 256 MiB)
--   TXT_WAL_MODE      box.cfg wal_mode (default 'none': the benchmark measures
--                    clients, not the disk)
--
-- Schema: space 'bench' (id 600), memtx, HASH primary on unsigned field 1,
-- tuples {id, 'name-<id>', id * 7} for id = 1..10000. Lua function echo(...)
-- returns its arguments.
--
-- For the big-result and tuple-size cases:
--   space 'wide' (id 601), TREE primary on field 1: 1000 tuples of 8 fields,
--     {id, 'user-<id>', 'user<id>@example.com', city, id % 90, id * 13,
--      id % 7 == 0, 'note <id>'} for id = 1..1000, city = cities[id % 8 + 1];
--   space 'blob' (id 602), HASH primary: {size, string.rep('b', size)} for
--     size = 100, 10240 and 1048576;
--   Lua function bigstr(n) returns string.rep('x', n) (cached per n).
-- guest may read, write and execute everything, so every client connects
-- without authentication.

local function env(name, default)
    local v = os.getenv(name)
    if v == nil or v == '' then
        return default
    end
    return v
end

local work_dir = env('TXT_WORK_DIR', '.')

box.cfg{
    work_dir = work_dir,
    log = env('TXT_LOG', work_dir .. '/tarantool.log'),
    log_level = 5,
    memtx_memory = tonumber(env('TXT_MEMTX_MEMORY', tostring(256 * 1024 * 1024))),
    memtx_max_tuple_size = 4 * 1024 * 1024, -- the 1 MiB tuple of space 'blob'
    wal_mode = env('TXT_WAL_MODE', 'none'),
    net_msg_max = 4096,
    readahead = 1024 * 1024,
    background = false,
}

local space = box.schema.space.create('bench', {
    id = 600,
    engine = 'memtx',
    if_not_exists = true,
    format = {
        {name = 'id', type = 'unsigned'},
        {name = 'name', type = 'string'},
        {name = 'val', type = 'unsigned'},
    },
})
space:create_index('primary', {type = 'hash', parts = {1, 'unsigned'}, if_not_exists = true})

box.begin()
for id = 1, 10000 do
    space:replace{id, 'name-' .. id, id * 7}
end
box.commit()

function echo(...)
    return ...
end
box.schema.func.create('echo', {if_not_exists = true})

local wide = box.schema.space.create('wide', {id = 601, if_not_exists = true})
wide:create_index('primary', {type = 'tree', parts = {1, 'unsigned'}, if_not_exists = true})
local cities = {'Amsterdam', 'Berlin', 'Lisbon', 'Madrid', 'Oslo', 'Paris', 'Rome', 'Vienna'}
box.begin()
for id = 1, 1000 do
    wide:replace{id, 'user-' .. id, 'user' .. id .. '@example.com', cities[id % 8 + 1],
                 id % 90, id * 13, id % 7 == 0, 'note ' .. id}
end
box.commit()

local blob = box.schema.space.create('blob', {id = 602, if_not_exists = true})
blob:create_index('primary', {type = 'hash', parts = {1, 'unsigned'}, if_not_exists = true})
for _, size in ipairs({100, 10240, 1048576}) do
    blob:replace{size, string.rep('b', size)}
end

local big = {}
function bigstr(n)
    local s = big[n]
    if s == nil then
        s = string.rep('x', n)
        big[n] = s
    end
    return s
end
box.schema.func.create('bigstr', {if_not_exists = true})

box.schema.user.grant('guest', 'read,write,execute', 'universe', nil, {if_not_exists = true})

box.cfg{listen = env('TXT_LISTEN', '127.0.0.1:3301')}

local ready_file = os.getenv('TXT_READY_FILE')
if ready_file ~= nil and ready_file ~= '' then
    local tmp = ready_file .. '.tmp'
    local f = assert(io.open(tmp, 'w'))
    f:write(tostring(box.info.pid), '\n')
    f:close()
    assert(os.rename(tmp, ready_file))
end
require('log').info('txtarantool-bench-ready')
