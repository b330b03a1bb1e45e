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
-- returns its arguments. guest may read, write and execute everything, so
-- every client connects without authentication.

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
