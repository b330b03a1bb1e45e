-- never_ready.lua: listens but never creates the ready file.
box.cfg{
    work_dir = os.getenv('TXT_WORK_DIR'),
    log = os.getenv('TXT_LOG'),
    memtx_memory = 32 * 1024 * 1024,
    listen = os.getenv('TXT_LISTEN'),
}
