-- boots.lua: counts its own starts in a persisted space, to check that data
-- survives kill -9 and restart on the same work dir. Logs "boots=N".
box.cfg{
    work_dir = os.getenv('TXT_WORK_DIR'),
    log = os.getenv('TXT_LOG'),
    memtx_memory = 32 * 1024 * 1024,
}
local boots = box.schema.space.create('boots', {if_not_exists = true})
boots:create_index('primary', {if_not_exists = true})
boots:auto_increment{os.time()}
box.cfg{listen = os.getenv('TXT_LISTEN')}
require('log').info('boots=%d', boots:count())
local f = assert(io.open(os.getenv('TXT_READY_FILE'), 'w'))
f:close()
