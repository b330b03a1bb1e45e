package transport

// RedactedForTest exposes redact to the package's external tests.
var RedactedForTest = redact
