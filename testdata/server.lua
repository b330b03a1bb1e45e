-- server.lua: the Tarantool instance the integration tests run against.
--
-- Started by internal/tarantooltest, which passes its settings through the
-- environment:
--   TXT_LISTEN        address to listen on ("127.0.0.1:3301" or a socket path)
--   TXT_WORK_DIR      work dir for snapshots, WAL and the log (default ".")
--   TXT_LOG           log file (default TXT_WORK_DIR/tarantool.log)
--   TXT_READY_FILE    file created once everything below is set up (optional)
--   TXT_MEMTX_MEMORY  memtx arena size in bytes (default 256 MiB)
--   TXT_LOG_LEVEL     log level (default 5, info)
--
-- Idempotent: a restart on the same work dir recovers the data and finds
-- every object already there (if_not_exists everywhere). Listening starts
-- only after the schema is set up, so a client that gets a greeting sees the
-- whole schema.

local fiber = require('fiber')
local log = require('log')

local function env(name, default)
    local v = os.getenv(name)
    if v == nil or v == '' then
        return default
    end
    return v
end

local work_dir = env('TXT_WORK_DIR', '.')

local cfg = {
    work_dir = work_dir,
    log = env('TXT_LOG', work_dir .. '/tarantool.log'),
    log_level = tonumber(env('TXT_LOG_LEVEL', '5')),
    memtx_memory = tonumber(env('TXT_MEMTX_MEMORY', tostring(256 * 1024 * 1024))),
    net_msg_max = 4096,
    readahead = 1024 * 1024,
    background = false,
}
-- Interactive transactions over IPROTO streams (2.10+) span requests, which
-- memtx allows only with its MVCC engine (TestStreamReal). 2.6.0 does not
-- know the option, so it is set from 2.10 on only.
local major, minor = _TARANTOOL:match('^(%d+)%.(%d+)')
if tonumber(major) * 100 + tonumber(minor) >= 210 then
    cfg.memtx_use_mvcc_engine = true
end
box.cfg(cfg)
-- From 3.0 SQL refuses a SELECT that scans a whole table unless the session
-- allows it (sql_seq_scan, ER_SQL_SEQ_SCAN); the tests' SQL is about the
-- client, not the planner, so every session allows it as before 3.0.
local ok, compat = pcall(require, 'compat')
if ok and compat.sql_seq_scan_default ~= nil then
    compat.sql_seq_scan_default = 'old'
end

-- Spaces ---------------------------------------------------------------------

-- test: HASH primary on unsigned field 1; field 2 an optional string; any
-- further fields are free.
local test = box.schema.space.create('test', {
    id = 512,
    if_not_exists = true,
    format = {
        {name = 'id', type = 'unsigned'},
        {name = 'name', type = 'string', is_nullable = true},
    },
})
test:create_index('primary', {type = 'hash', parts = {1, 'unsigned'}, if_not_exists = true})

-- tree: TREE primary on unsigned field 1 and a non-unique two-part TREE
-- index by_name_age on {2 string, 3 unsigned}.
local tree = box.schema.space.create('tree', {
    id = 513,
    if_not_exists = true,
    format = {
        {name = 'id', type = 'unsigned'},
        {name = 'name', type = 'string'},
        {name = 'age', type = 'unsigned'},
    },
})
tree:create_index('primary', {type = 'tree', parts = {1, 'unsigned'}, if_not_exists = true})
tree:create_index('by_name_age', {
    type = 'tree',
    unique = false,
    parts = {{2, 'string'}, {3, 'unsigned'}},
    if_not_exists = true,
})

-- strkey: HASH primary on string field 1.
local strkey = box.schema.space.create('strkey', {
    id = 514,
    if_not_exists = true,
    format = {{name = 'key', type = 'string'}},
})
strkey:create_index('primary', {type = 'hash', parts = {1, 'string'}, if_not_exists = true})

-- ints: TREE primary on field 1 of type integer (int64 and uint64 range).
local ints = box.schema.space.create('ints', {
    id = 515,
    if_not_exists = true,
    format = {{name = 'id', type = 'integer'}},
})
ints:create_index('primary', {type = 'tree', parts = {1, 'integer'}, if_not_exists = true})

-- counters: TREE primary on unsigned field 1, for upsert tests.
local counters = box.schema.space.create('counters', {
    id = 516,
    if_not_exists = true,
    format = {{name = 'id', type = 'unsigned'}},
})
counters:create_index('primary', {type = 'tree', parts = {1, 'unsigned'}, if_not_exists = true})

-- Tarantool 2.6 picks the id of a new space as _schema.max_id + 1, and
-- creating a space with an explicit id does not move max_id: without this,
-- the next space created without an id (by SQL or by a schema-reload test)
-- would collide with 'test' (512).
local max_space_id = box.space._space.index.primary:max()[1]
local max_id = box.space._schema:get{'max_id'}
if max_id == nil or max_id[2] < max_space_id then
    box.space._schema:replace{'max_id', max_space_id}
end

-- sqltest: SQL-created; SQL upper-cases unquoted names before 3.0, so the
-- space is SQLTEST (fields ID, integer, autoincrement, and NAME, string)
-- there and sqltest (id, name) from 3.0.
box.execute([[CREATE TABLE IF NOT EXISTS sqltest (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT
)]])

-- Users ----------------------------------------------------------------------

-- tester/secret may do anything, including schema changes.
box.schema.user.create('tester', {password = 'secret', if_not_exists = true})
box.schema.user.grant('tester', 'read,write,execute,create,alter,drop', 'universe', nil,
    {if_not_exists = true})

-- noperm/noperm may connect and nothing more (default public role only).
box.schema.user.create('noperm', {password = 'noperm', if_not_exists = true})

-- guest keeps its defaults: it may only connect, ping and authenticate.

-- Functions ------------------------------------------------------------------
-- Globals are not persisted, so they are defined on every start; the
-- box.schema.func entries are.

-- echo returns all its arguments.
function echo(...)
    return ...
end

-- sum returns a + b.
function sum(a, b)
    return a + b
end

-- fail raises an ER_PROC_LUA (32) error whose message is msg.
function fail(msg)
    box.error{code = box.error.PROC_LUA, reason = msg}
end

-- fail_code raises a ClientError with the given code and message.
function fail_code(code, msg)
    box.error{code = code, reason = msg}
end

-- tuple_of returns its arguments as one box.tuple (CALL_16 vs CALL tests).
function tuple_of(...)
    return box.tuple.new({...})
end

-- sleep sleeps s seconds, then returns s (timeout and cancel tests).
function sleep(s)
    fiber.sleep(s)
    return s
end

-- get_errors_as_ext returns (does not raise) an error object: an
-- ILLEGAL_PARAMS (code 1) ClientError 'outer error' whose prev is a
-- ClientError with code 999 and message 'inner cause'. Before 2.10 it
-- turns on box.session.settings.error_marshaling_enabled for the calling
-- session (it stays on for that session), so the error travels as MP_EXT
-- type 3 (MP_ERROR); 2.10 dropped that setting (the client asks for MP_ERROR
-- with the error_extension feature of IPROTO_ID instead), hence the pcall.
function get_errors_as_ext()
    pcall(function() box.session.settings.error_marshaling_enabled = true end)
    local inner = box.error.new{code = 999, reason = 'inner cause'}
    local outer = box.error.new(box.error.ILLEGAL_PARAMS, 'outer error')
    outer:set_prev(inner)
    return outer
end

-- decimal_of returns the decimal parsed from str (MP_EXT type 1).
function decimal_of(str)
    return require('decimal').new(str)
end

-- uuid_of returns the UUID parsed from str (MP_EXT type 2).
function uuid_of(str)
    return require('uuid').fromstr(str)
end

for _, name in ipairs({
    'echo', 'sum', 'fail', 'fail_code', 'tuple_of', 'sleep',
    'get_errors_as_ext', 'decimal_of', 'uuid_of',
}) do
    box.schema.func.create(name, {if_not_exists = true})
end

-- Ready ----------------------------------------------------------------------

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
