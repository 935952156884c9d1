#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@_spi(Fuzzing) import TroupeWire

/// The files in the folder at `path` (not starting with '.'), sorted.
private func files(in path: String) -> [String] {
    guard let directory = opendir(path) else { return [] }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if !name.hasPrefix(".") { names.append(path + "/" + name) }
    }
    return names.sorted()
}

/// The bytes of the file at `path`.
private func contents(of path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    return bytes
}

@Suite("Fuzzer inputs replayed")
struct FuzzCrashReplayTests {
    private static let root = String(#filePath.split(separator: "/Tests/").first!)

    @Test("every saved crash input and seed decodes (or is refused) without a crash")
    func replay() throws {
        let inputs = files(in: Self.root + "/Fuzz/crashes") + files(in: Self.root + "/Fuzz/seeds")
        #expect(inputs.count >= 5, "the seeds are there")
        for path in inputs {
            let bytes = try #require(contents(of: path))
            WireFuzzing.decodeEverything(bytes)
        }
    }

    @Test("the seed frame decodes: the harness really exercises the decoders")
    func seedsDecode() throws {
        let bytes = try #require(contents(of: Self.root + "/Fuzz/seeds/two-frames"))
        #expect(WireFuzzing.decodeEverything(bytes) >= 2)
    }
}
