-- cluster.lua: one instance of the replica set `demo cluster` starts. The
-- demo binary embeds this file and runs it through internal/tarantoolproc
-- (a trimmed copy of testdata/replica.lua). Settings, from the environment:
-- TXT_LISTEN, TXT_WORK_DIR, TXT_LOG, TXT_READY_FILE (tarantoolproc),
-- TXT_REPLICATION (every instance's URI, comma-separated) and TXT_READ_ONLY
-- ('false' for the first master); the file txt-read-only in the work dir,
-- written by the demo before a restart, overrides TXT_READ_ONLY.

local fio = require('fio')
local log = require('log')

local function env(name, default)
    local v = os.getenv(name)
    if v == nil or v == '' then return default end
    return v
end

local work_dir = env('TXT_WORK_DIR', '.')
local first_boot = #fio.glob(fio.pathjoin(work_dir, '*.snap')) == 0
local peers = {}
for uri in string.gmatch(env('TXT_REPLICATION', ''), '[^,]+') do
    table.insert(peers, uri)
end
local read_only = env('TXT_READ_ONLY', 'true') == 'true'
local role_file = fio.pathjoin(work_dir, 'txt-read-only')
if fio.path.exists(role_file) then
    local f = assert(io.open(role_file, 'r'))
    read_only = f:read('*l') == 'true'
    f:close()
end

local cfg = {
    work_dir = work_dir,
    log = env('TXT_LOG', fio.pathjoin(work_dir, 'tarantool.log')),
    memtx_memory = 32 * 1024 * 1024,
    background = false,
    listen = env('TXT_LISTEN', '127.0.0.1:3301'),
    replication = peers,
    replication_timeout = 0.25,
    replication_connect_timeout = 15,
    -- A first boot waits for every peer; a restart for none.
    replication_connect_quorum = first_boot and #peers or 0,
    read_only = read_only,
}
local major, minor = _TARANTOOL:match('^(%d+)%.(%d+)')
if tonumber(major) * 100 + tonumber(minor) >= 211 then
    cfg.bootstrap_strategy = 'legacy'
end
box.cfg(cfg)
box.cfg{replication_connect_quorum = 0}

-- The master creates the schema; replication brings it to the others.
if not box.info.ro then
    box.schema.user.create('replicator', {password = 'replicator', if_not_exists = true})
    box.schema.user.grant('replicator', 'replication', nil, nil, {if_not_exists = true})
    -- tester/secret: the demo's user (and admin: promote, counts).
    box.schema.user.create('tester', {password = 'secret', if_not_exists = true})
    box.schema.user.grant('tester', 'read,write,execute', 'universe', nil, {if_not_exists = true})
    local kv = box.schema.space.create('kv', {id = 520, if_not_exists = true})
    kv:create_index('primary', {type = 'tree', parts = {1, 'unsigned'}, if_not_exists = true})
end

-- put(k) inserts {k, id of the instance that executed it}. refused counts
-- the calls this instance refused as read-only (ER_READONLY: the cluster
-- resends those to the master); globals are per instance, not replicated.
refused = 0
function put(k)
    if box.info.ro then refused = refused + 1 end
    return box.space.kv:insert{k, box.info.id}
end

local ready_file = os.getenv('TXT_READY_FILE')
if ready_file ~= nil and ready_file ~= '' then
    local f = assert(io.open(ready_file .. '.tmp', 'w'))
    f:write(tostring(box.info.pid), '\n')
    f:close()
    assert(os.rename(ready_file .. '.tmp', ready_file))
end
log.info('txtarantool-test-ready')
