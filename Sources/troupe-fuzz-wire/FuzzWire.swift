// libFuzzer target for the wire decoders: frames, envelopes and the binary codec.
//
// Fuzz (libFuzzer provides `main`, so this file must not):
//   swift build --product troupe-fuzz-wire --sanitize=fuzzer --scratch-path .build-fuzz \
//     -Xswiftc -parse-as-library -Xswiftc -DFUZZING
//   .build-fuzz/debug/troupe-fuzz-wire -max_total_time=60 Fuzz/seeds
// Without `-DFUZZING` it is a plain program that replays the files given as arguments.
@_spi(Fuzzing) import TroupeWire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    WireFuzzing.decodeEverything(bytes)
    return 0
}

#if !FUZZING
import Foundation

/// Replays inputs (e.g. a crash libFuzzer saved) through the same decoders.
@main
struct ReplayInputs {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("cannot read \(path)")
                exit(1)
            }
            let decoded = WireFuzzing.decodeEverything([UInt8](data))
            print("\(path): \(data.count) bytes, \(decoded) values decoded, no crash")
        }
    }
}
#endif
