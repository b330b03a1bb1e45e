-- demo.lua: the Tarantool instance cmd/demo talks to. The demo binary
-- embeds this file and runs it through internal/tarantoolproc.
--
-- Settings come from the environment, as for testdata/server.lua: TXT_LISTEN (default
-- 127.0.0.1:3301), TXT_WORK_DIR (default "."), TXT_LOG, TXT_READY_FILE,
-- TXT_MEMTX_MEMORY (default 128 MiB). Idempotent on restart.

local log = require('log')

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
    memtx_memory = tonumber(env('TXT_MEMTX_MEMORY', tostring(128 * 1024 * 1024))),
    background = false,
}

-- kv: string keys (field 1, HASH primary), any value in field 2.
local kv = box.schema.space.create('kv', {
    id = 520,
    if_not_exists = true,
    format = {
        {name = 'key', type = 'string'},
        {name = 'value', type = 'any', is_nullable = true},
    },
})
kv:create_index('primary', {type = 'hash', parts = {1, 'string'}, if_not_exists = true})

-- See testdata/server.lua: keep _schema.max_id past the explicit ids.
local max_space_id = box.space._space.index.primary:max()[1]
local max_id = box.space._schema:get{'max_id'}
if max_id == nil or max_id[2] < max_space_id then
    box.space._schema:replace{'max_id', max_space_id}
end

-- tester/secret may read and write kv and call echo.
box.schema.user.create('tester', {password = 'secret', if_not_exists = true})
box.schema.user.grant('tester', 'read,write', 'space', 'kv', {if_not_exists = true})

-- echo returns all its arguments.
function echo(...)
    return ...
end
box.schema.func.create('echo', {if_not_exists = true})
box.schema.user.grant('tester', 'execute', 'function', 'echo', {if_not_exists = true})

box.cfg{listen = env('TXT_LISTEN', '127.0.0.1:3301')}

local ready_file = os.getenv('TXT_READY_FILE')
if ready_file ~= nil and ready_file ~= '' then
    local tmp = ready_file .. '.tmp'
    local f = assert(io.open(tmp, 'w'))
    f:write(tostring(box.info.pid), '\n')
    f:close()
    assert(os.rename(tmp, ready_file))
end
log.info('txtarantool-test-ready')
