import NIOSSL

/// How a ``NIOTransport`` protects its connections: mutual TLS 1.3 (the default expectation), or
/// plaintext, which must be chosen explicitly.
public struct TransportSecurity: Sendable {
    enum Mode: Sendable {
        case plaintext
        case mutualTLS(TLSIdentity)
    }

    let mode: Mode

    /// No encryption and no authentication: for loopback benchmarks and trusted networks only.
    public static let plaintext = TransportSecurity(mode: .plaintext)

    /// TLS 1.3 with mutual authentication: each side presents `identity`'s certificate and accepts
    /// only peers whose certificate chains to one of its trust roots and names the node (its
    /// common name must equal the peer's system name).
    public static func mutualTLS(_ identity: TLSIdentity) -> TransportSecurity {
        TransportSecurity(mode: .mutualTLS(identity))
    }

    /// Whether connections are encrypted.
    public var isTLS: Bool {
        if case .mutualTLS = mode { return true }
        return false
    }
}

/// A node's TLS credentials: its certificate chain and private key, and the roots it trusts.
public struct TLSIdentity: Sendable {
    /// The node's certificate first, then any intermediates.
    public let certificateChain: [NIOSSLCertificate]
    /// The key of the node's certificate.
    public let privateKey: NIOSSLPrivateKey
    /// The certificates a peer's chain must lead to.
    public let trustRoots: [NIOSSLCertificate]

    /// Credentials from values.
    public init(certificateChain: [NIOSSLCertificate], privateKey: NIOSSLPrivateKey, trustRoots: [NIOSSLCertificate]) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.trustRoots = trustRoots
    }

    /// Credentials from PEM files: the node's certificate chain, its private key, and the trusted
    /// root certificates. Throws NIOSSL's error for a missing or malformed file.
    public init(certificateChainFile: String, privateKeyFile: String, trustRootsFile: String) throws {
        self.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateChainFile)
        self.privateKey = try NIOSSLPrivateKey(file: privateKeyFile, format: .pem)
        self.trustRoots = try NIOSSLCertificate.fromPEMFile(trustRootsFile)
    }

    /// The server side's TLS configuration: TLS 1.3 only, client certificates required.
    func serverConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificateChain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        configure(&configuration)
        return configuration
    }

    /// The client side's TLS configuration: TLS 1.3 only, presenting the node's certificate.
    func clientConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateChain = certificateChain.map { .certificate($0) }
        configuration.privateKey = .privateKey(privateKey)
        configure(&configuration)
        return configuration
    }

    private func configure(_ configuration: inout TLSConfiguration) {
        configuration.minimumTLSVersion = .tlsv13
        configuration.trustRoots = .certificates(trustRoots)
        // Peers are named by node, not by host: the chain is verified here and the node name is
        // checked against the hello (see NIOTransport).
        configuration.certificateVerification = .noHostnameVerification
    }
}
