-- boots.lua: counts its own starts in a persisted space, to check that data
-- survives kill -9 and restart on the same work dir. Logs "boots=N".
box.cfg{
    work_dir = os.getenv('TT_WORK_DIR'),
    log = os.getenv('TT_LOG'),
    memtx_memory = 32 * 1024 * 1024,
}
local boots = box.schema.space.create('boots', {if_not_exists = true})
boots:create_index('primary', {if_not_exists = true})
boots:auto_increment{os.time()}
box.cfg{listen = os.getenv('TT_LISTEN')}
require('log').info('boots=%d', boots:count())
local f = assert(io.open(os.getenv('TT_READY_FILE'), 'w'))
f:close()
