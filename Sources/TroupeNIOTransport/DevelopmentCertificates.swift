import Crypto
import Foundation
import NIOSSL
import X509

/// A throwaway certificate authority generated at start-up, for development and tests: it issues
/// node certificates (P-256 keys) whose common name is the node's system name. Production nodes
/// load their credentials from files (``TLSIdentity/init(certificateChainFile:privateKeyFile:trustRootsFile:)``).
public struct DevelopmentCertificateAuthority: Sendable {
    private let certificate: Certificate
    private let key: P256.Signing.PrivateKey
    private let name: DistinguishedName

    /// A new authority named `name`, valid for ten years from now.
    public init(name: String = "Troupe development CA") throws {
        let key = P256.Signing.PrivateKey()
        let distinguishedName = try DistinguishedName { CommonName(name) }
        // Calendar time, not the actor clock: BoringSSL checks validity against the system's.
        let now = Date()
        self.certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-60), notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: distinguishedName, subject: distinguishedName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        self.key = key
        self.name = distinguishedName
    }

    /// The authority's certificate, for trust roots.
    public func rootCertificate() throws -> NIOSSLCertificate {
        try NIOSSLCertificate(bytes: Array(rootCertificatePEM().utf8), format: .pem)
    }

    /// The authority's certificate in PEM, for a trust-roots file.
    public func rootCertificatePEM() throws -> String {
        try certificate.serializeAsPEM().pemString
    }

    /// Credentials for the node named `nodeName`, valid from `notValidBefore` to `notValidAfter`
    /// (default: from a minute ago for a year), trusting only this authority.
    public func issue(nodeName: String, notValidBefore: Date? = nil, notValidAfter: Date? = nil) throws -> TLSIdentity {
        let (leafPEM, keyPEM) = try issuePEM(nodeName: nodeName, notValidBefore: notValidBefore, notValidAfter: notValidAfter)
        return TLSIdentity(
            certificateChain: [try NIOSSLCertificate(bytes: Array(leafPEM.utf8), format: .pem)],
            privateKey: try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem),
            trustRoots: [try rootCertificate()])
    }

    /// Like ``issue(nodeName:notValidBefore:notValidAfter:)``, as PEM text: the node's certificate
    /// and its private key, for files another process loads.
    public func issuePEM(nodeName: String, notValidBefore: Date? = nil, notValidAfter: Date? = nil) throws -> (certificate: String, privateKey: String) {
        let nodeKey = P256.Signing.PrivateKey()
        // Calendar time, not the actor clock: BoringSSL checks validity against the system's.
        let now = Date()
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(nodeKey.publicKey),
            notValidBefore: notValidBefore ?? now.addingTimeInterval(-60),
            notValidAfter: notValidAfter ?? now.addingTimeInterval(365 * 86_400),
            issuer: name, subject: try DistinguishedName { CommonName(nodeName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        return (try leaf.serializeAsPEM().pemString, nodeKey.pemRepresentation)
    }
}

/// The common name in a certificate's subject, if it has one.
func commonName(of certificate: NIOSSLCertificate) -> String? {
    guard let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else { return nil }
    for relativeName in parsed.subject {
        for attribute in relativeName where attribute.type == .RDNAttributeType.commonName {
            return String(attribute.value)
        }
    }
    return nil
}
