-- broken.lua: fails before it is ready.
error('txtarantool-broken-script')
