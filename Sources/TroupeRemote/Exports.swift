// Remote refs speak `TroupeWire`'s types (node addresses, the transport protocol): re-exported so
// that `import TroupeRemote` is enough.
@_exported import TroupeWire
