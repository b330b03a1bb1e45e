package client

// ReplaceExistingLua is the Lua ReplaceExisting evaluates, for tests that
// run it under a stricter box.error.
const ReplaceExistingLua = replaceExistingLua
