-- replica.lua: one member of a replica set, the script
-- tarantooltest.StartReplicaSet embeds and runs by default. It takes its
-- settings from the environment (never TT_*, which box.cfg would read
-- behind the script's back since 2.8):
--   TXT_LISTEN          127.0.0.1:port to listen on
--   TXT_WORK_DIR        work dir for snapshots, WAL and the log
--   TXT_LOG             log file
--   TXT_READY_FILE      created once box.cfg has returned (and, on the
--                       master's first boot, once the schema is set up)
--   TXT_REPLICATION     comma-separated URIs of every instance (this one
--                       included): the full mesh
--   TXT_READ_ONLY       'true' for a replica, 'false' for the master; the
--                       file txt-read-only in the work dir, written by the
--                       harness on Promote/Demote, overrides it, so a
--                       restart keeps the last role
--   TXT_ELECTION        'candidate' to run with raft election (2.10+) once
--                       bootstrapped; the harness switches a fresh set over
--   TXT_SYNCHRO_QUORUM  replication_synchro_quorum with election
--   TXT_MEMTX_MEMORY    memtx arena size in bytes (default 64 MiB)
--
-- First boot: every instance starts at once with the same replication list;
-- the one that is not read-only bootstraps the replica set and creates the
-- schema (the users, spaces and functions of server.lua that cluster tests
-- use), the others join it and receive the schema by replication. A restart
-- (work dir with a snapshot) does not wait for any peer
-- (replication_connect_quorum = 0, bootstrap_strategy = 'legacy' from 2.11),
-- so one instance can restart alone and catch up in the background.

local fio = require('fio')
local log = require('log')

local function env(name, default)
    local v = os.getenv(name)
    if v == nil or v == '' then
        return default
    end
    return v
end

local work_dir = env('TXT_WORK_DIR', '.')
local first_boot = #fio.glob(fio.pathjoin(work_dir, '*.snap')) == 0

local function split(s)
    local out = {}
    for part in string.gmatch(s or '', '[^,]+') do
        table.insert(out, part)
    end
    return out
end

-- read_only: the role file written by the harness, else TXT_READ_ONLY.
local read_only = env('TXT_READ_ONLY', 'true') == 'true'
local role_file = fio.pathjoin(work_dir, 'txt-read-only')
if fio.path.exists(role_file) then
    local f = assert(io.open(role_file, 'r'))
    read_only = f:read('*l') == 'true'
    f:close()
end

local election = env('TXT_ELECTION', 'off')

local major, minor = _TARANTOOL:match('^(%d+)%.(%d+)')
local version = tonumber(major) * 100 + tonumber(minor)

local cfg = {
    work_dir = work_dir,
    log = env('TXT_LOG', fio.pathjoin(work_dir, 'tarantool.log')),
    memtx_memory = tonumber(env('TXT_MEMTX_MEMORY', tostring(64 * 1024 * 1024))),
    net_msg_max = 4096,
    background = false,
    listen = env('TXT_LISTEN', '127.0.0.1:3301'),
    replication = split(env('TXT_REPLICATION', '')),
    -- Short timeouts: a dead peer is noticed in 4 * replication_timeout
    -- (1 s), and a lost connection is retried quickly.
    replication_timeout = 0.25,
    replication_connect_timeout = 15,
    -- First boot waits for every peer (no instance bootstraps a replica set
    -- of its own); a restart waits for none.
    replication_connect_quorum = first_boot and #split(env('TXT_REPLICATION', '')) or 0,
    read_only = read_only,
}
if version >= 211 then
    cfg.bootstrap_strategy = 'legacy'
end
if version >= 210 then
    cfg.memtx_use_mvcc_engine = true
end
if election ~= 'off' and not first_boot then
    cfg.election_mode = election
    cfg.election_timeout = 1
    cfg.replication_synchro_quorum = tonumber(env('TXT_SYNCHRO_QUORUM', '1'))
    cfg.read_only = false
end
box.cfg(cfg)
box.cfg{replication_connect_quorum = 0}

local ok, compat = pcall(require, 'compat')
if ok and compat.sql_seq_scan_default ~= nil then
    compat.sql_seq_scan_default = 'old'
end

-- Schema: created by the writable instance, replicated to the others. -------

if not box.info.ro then
    -- replicator/replicator: the user every instance replicates as.
    box.schema.user.create('replicator', {password = 'replicator', if_not_exists = true})
    box.schema.user.grant('replicator', 'replication', nil, nil, {if_not_exists = true})

    -- tester/secret may do anything, as in server.lua.
    box.schema.user.create('tester', {password = 'secret', if_not_exists = true})
    box.schema.user.grant('tester', 'read,write,execute,create,alter,drop', 'universe', nil,
        {if_not_exists = true})

    -- test: HASH primary on unsigned field 1; field 2 an optional string.
    local test = box.schema.space.create('test', {
        id = 512,
        if_not_exists = true,
        format = {
            {name = 'id', type = 'unsigned'},
            {name = 'name', type = 'string', is_nullable = true},
        },
    })
    test:create_index('primary', {type = 'hash', parts = {1, 'unsigned'}, if_not_exists = true})

    -- See server.lua: keep _schema.max_id above the explicit space ids.
    local max_space_id = box.space._space.index.primary:max()[1]
    local max_id = box.space._schema:get{'max_id'}
    if max_id == nil or max_id[2] < max_space_id then
        box.space._schema:replace{'max_id', max_space_id}
    end

    for _, name in ipairs({'echo', 'sum'}) do
        box.schema.func.create(name, {if_not_exists = true})
    end
end

-- Functions: globals are not replicated, so every instance defines them. ----

-- echo returns all its arguments.
function echo(...)
    return ...
end

-- sum returns a + b.
function sum(a, b)
    return a + b
end

-- Ready ----------------------------------------------------------------------

local ready_file = os.getenv('TXT_READY_FILE')
if ready_file ~= nil and ready_file ~= '' then
    local tmp = ready_file .. '.tmp'
    local f = assert(io.open(tmp, 'w'))
    f:write(tostring(box.info.pid), '\n')
    f:close()
    assert(os.rename(tmp, ready_file))
end
log.info('txtarantool-test-ready')
