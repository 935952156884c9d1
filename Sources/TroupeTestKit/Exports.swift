// The in-memory transport speaks `TroupeWire`'s types (addresses, envelopes, the transport
// protocol, the binary codec): re-exported so that a test needs only `import TroupeTestKit`.
@_exported import TroupeWire
