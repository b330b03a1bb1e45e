// Package wire is the client's wire engine: one IPROTO connection (Conn)
// with its writer goroutine, which writes every request queued since its
// last write in one system call, its reader goroutine, which reads
// response frames into shared slabs and hands each to the request waiting
// for it, its table of pending requests indexed by sync id, and its
// dead-peer watchdog.
//
// The engine knows nothing of futures, schemas, retries or the errors
// users see: the client's request record embeds a Slot and implements
// Request, and the Conn settles it through that interface; the errors it
// settles requests with come from the constructors in Config. It costs no
// allocation per request (the record is the client's), one mutex and a
// few interface method calls.
package wire
