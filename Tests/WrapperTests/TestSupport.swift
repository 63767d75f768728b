@_exported import PLTestSupport
