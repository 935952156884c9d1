/// Where a node (a running actor system) can be reached: its system name, host and port.
///
/// Written and parsed as `name@host:port` (`orders@10.0.0.7:7337`); an IPv6 host is written in
/// brackets (`orders@[::1]:7337`). The memberwise initializer does not validate; ``init(parsing:)``
/// does, and ``description`` of an address made by it parses back to the same address.
public struct NodeAddress: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The actor system's name.
    public var systemName: String { didSet { partsHash = Self.hash(systemName, host, port) } }
    /// The host name or IP address (IPv6 without brackets).
    public var host: String { didSet { partsHash = Self.hash(systemName, host, port) } }
    /// The port.
    public var port: UInt16 { didSet { partsHash = Self.hash(systemName, host, port) } }
    /// The hash of the three parts, computed when they are set: an address is a dictionary key on
    /// every remote send and ask, and hashing its two strings there was a visible part of the
    /// transport's time under its lock. Not encoded; only meaningful in this process.
    private var partsHash: Int

    /// Creates an address from its parts, without validating them.
    public init(systemName: String, host: String, port: UInt16) {
        self.systemName = systemName
        self.host = host
        self.port = port
        self.partsHash = Self.hash(systemName, host, port)
    }

    private static func hash(_ systemName: String, _ host: String, _ port: UInt16) -> Int {
        var hasher = Hasher()
        hasher.combine(systemName)
        hasher.combine(host)
        hasher.combine(port)
        return hasher.finalize()
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(partsHash)
    }

    public static func == (lhs: NodeAddress, rhs: NodeAddress) -> Bool {
        lhs.partsHash == rhs.partsHash && lhs.port == rhs.port && lhs.host == rhs.host && lhs.systemName == rhs.systemName
    }

    private enum CodingKeys: String, CodingKey {
        case systemName, host, port
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            systemName: try container.decode(String.self, forKey: .systemName),
            host: try container.decode(String.self, forKey: .host),
            port: try container.decode(UInt16.self, forKey: .port))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(systemName, forKey: .systemName)
        try container.encode(host, forKey: .host)
        try container.encode(port, forKey: .port)
    }

    /// Parses `name@host:port` (or `name@[ipv6]:port`).
    ///
    /// Throws ``WireError/Code/invalidAddress`` naming what is wrong: a missing or empty system
    /// name, an empty host, a missing port, a port that is not a number in 0...65535, a second `@`,
    /// or an IPv6 host without brackets.
    public init(parsing string: String) throws(WireError) {
        func invalid(_ reason: String) -> WireError {
            WireError(.invalidAddress, "'\(string)' is not a node address (name@host:port): \(reason)")
        }
        guard let at = string.firstIndex(of: "@") else { throw invalid("no '@' after the system name") }
        let name = string[..<at]
        let rest = string[string.index(after: at)...]
        guard !name.isEmpty else { throw invalid("the system name is empty") }
        guard !rest.contains("@") else { throw invalid("more than one '@'") }

        let host: Substring
        let portText: Substring
        if rest.first == "[" {
            guard let close = rest.firstIndex(of: "]") else { throw invalid("'[' without ']' around the host") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let afterHost = rest[rest.index(after: close)...]
            guard afterHost.first == ":" else { throw invalid("no ':port' after the host") }
            portText = afterHost.dropFirst()
        } else {
            guard let colon = rest.lastIndex(of: ":") else { throw invalid("no ':port' after the host") }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
            guard !host.contains(":") else { throw invalid("an IPv6 host must be written in brackets") }
        }
        guard !host.isEmpty else { throw invalid("the host is empty") }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = UInt16(portText)
        else { throw invalid("the port '\(portText)' is not a number in 0...65535") }
        self.init(systemName: String(name), host: String(host), port: port)
    }

    /// `name@host:port`, with an IPv6 host in brackets.
    public var description: String {
        host.contains(":") ? "\(systemName)@[\(host)]:\(port)" : "\(systemName)@\(host):\(port)"
    }

    /// Orders by system name, then host, then port (for stable, sorted output).
    public static func < (lhs: NodeAddress, rhs: NodeAddress) -> Bool {
        (lhs.systemName, lhs.host, lhs.port) < (rhs.systemName, rhs.host, rhs.port)
    }
}
