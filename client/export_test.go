package client

// ReplaceExistingLua is the Lua ReplaceExisting evaluates, for tests that
// run it under a stricter box.error.
const ReplaceExistingLua = replaceExistingLua

// QueuedBytes returns the bytes in the write queue of c's connection (the
// frames not yet handed to the writer, holes included), 0 without one.
func QueuedBytes(c *Client) int {
	ln := c.link.Load()
	if ln == nil {
		return 0
	}
	return ln.conn.QueuedBytes()
}
