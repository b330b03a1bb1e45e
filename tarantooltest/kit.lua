-- kit.lua: the script tarantooltest runs when Options.Script is empty.
--
-- Settings come from the environment (never TT_*, which box.cfg reads
-- behind a script's back since 2.8):
--   TXT_LISTEN, TXT_WORK_DIR, TXT_LOG, TXT_READY_FILE  set by the kit
--   TXT_KIT_LUA   the Options.Lua snippet; run after box.cfg, before listen
--
-- It sets up, on every start (Restart included; all if_not_exists):
--   box.cfg: work_dir, log, memtx_memory 64 MiB, no listen yet;
--   user tester / password secret with every privilege on the universe;
--   guest as Tarantool makes it (connect only);
--   then the snippet, or without one the space test: primary TREE index
--   on field 1 unsigned, format {id unsigned, name string nullable};
--   then listen on TXT_LISTEN and create TXT_READY_FILE.

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
    memtx_memory = 64 * 1024 * 1024,
    background = false,
}

box.schema.user.create('tester', {password = 'secret', if_not_exists = true})
box.schema.user.grant('tester', 'read,write,execute,create,alter,drop', 'universe', nil,
    {if_not_exists = true})

local snippet = os.getenv('TXT_KIT_LUA')
if snippet ~= nil and snippet ~= '' then
    assert(load(snippet, '=Options.Lua'))()
else
    local test = box.schema.space.create('test', {
        if_not_exists = true,
        format = {
            {name = 'id', type = 'unsigned'},
            {name = 'name', type = 'string', is_nullable = true},
        },
    })
    test:create_index('primary', {type = 'tree', parts = {1, 'unsigned'}, if_not_exists = true})
end

box.cfg{listen = env('TXT_LISTEN', '127.0.0.1:3301')}

local ready_file = os.getenv('TXT_READY_FILE')
if ready_file ~= nil and ready_file ~= '' then
    local tmp = ready_file .. '.tmp'
    local f = assert(io.open(tmp, 'w'))
    f:close()
    assert(os.rename(tmp, ready_file))
end
require('log').info('tarantooltest-ready')
