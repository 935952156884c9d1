// TroupeWire: the transport protocol, the wire envelope, framing and the binary codec.
