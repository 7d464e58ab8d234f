import SodiumKit
import Testing

@Suite("Secret streams (backups)")
struct SecretStreamTests {
    private let chunks: [[UInt8]] = [
        Array("backup header: vault v1".utf8),
        [],
        Array(repeating: 0xab, count: 4096),
        Array("last table".utf8),
    ]

    /// A stream of `chunks`, the last one marked final.
    private func writeStream(key: SecureBytes, associatedData: [UInt8] = []) -> (header: [UInt8], chunks: [[UInt8]]) {
        let writer = SecretStreamWriter(key: key)
        let sealed = chunks.enumerated().map { index, chunk in
            writer.push(chunk, associatedData: associatedData, isFinal: index == chunks.count - 1)
        }
        return (writer.header, sealed)
    }

    @Test("Several chunks, one of them empty, come back in order and the stream reports finished")
    func roundTrip() throws {
        let key = SecureBytes.random(count: SecretStreamWriter.keyLength)
        let stream = writeStream(key: key)
        #expect(stream.header.count == SecretStreamWriter.headerLength)
        #expect(stream.chunks.map(\.count) == chunks.map { $0.count + SecretStreamWriter.overhead })

        let reader = try SecretStreamReader(key: key, header: stream.header)
        for (index, sealed) in stream.chunks.enumerated() {
            #expect(!reader.isFinished, "before chunk \(index)")
            #expect(try reader.pull(sealed) == chunks[index], "chunk \(index)")
        }
        #expect(reader.isFinished)
    }

    @Test("A stream cut before its final chunk is detected: the reader is not finished")
    func truncationDetected() throws {
        let key = SecureBytes.random(count: SecretStreamWriter.keyLength)
        let stream = writeStream(key: key)
        let reader = try SecretStreamReader(key: key, header: stream.header)
        for (index, sealed) in stream.chunks.dropLast().enumerated() {
            #expect(try reader.pull(sealed) == chunks[index])
        }
        #expect(!reader.isFinished)
        #expect(try reader.pull(stream.chunks[stream.chunks.count - 1]) == chunks[chunks.count - 1])
        #expect(reader.isFinished)
    }

    @Test("Chunks out of order, or with one dropped, fail authentication")
    func reorderedAndDropped() throws {
        let key = SecureBytes.random(count: SecretStreamWriter.keyLength)
        let stream = writeStream(key: key)

        let swapped = try SecretStreamReader(key: key, header: stream.header)
        expectSodiumError(.authenticationFailed) { try swapped.pull(stream.chunks[1]) }

        let dropped = try SecretStreamReader(key: key, header: stream.header)
        #expect(try dropped.pull(stream.chunks[0]) == chunks[0])
        expectSodiumError(.authenticationFailed) { try dropped.pull(stream.chunks[2]) }

        let replayed = try SecretStreamReader(key: key, header: stream.header)
        #expect(try replayed.pull(stream.chunks[0]) == chunks[0])
        expectSodiumError(.authenticationFailed) { try replayed.pull(stream.chunks[0]) }

        // The final chunk moved to the front must not end the stream early.
        let finalFirst = try SecretStreamReader(key: key, header: stream.header)
        expectSodiumError(.authenticationFailed) { try finalFirst.pull(stream.chunks[3]) }
        #expect(!finalFirst.isFinished)
    }

    @Test("Changing any byte of a chunk fails authentication")
    func flippedByte() throws {
        let key = SecureBytes.random(count: SecretStreamWriter.keyLength)
        let stream = writeStream(key: key)
        let target = stream.chunks[0]
        for index in target.indices {
            let reader = try SecretStreamReader(key: key, header: stream.header)
            expectSodiumError(.authenticationFailed, "byte \(index) of the first chunk") {
                try reader.pull(target.flipping(index))
            }
        }
        let reader = try SecretStreamReader(key: key, header: stream.header)
        #expect(try reader.pull(target) == chunks[0])
    }

    @Test("A changed header fails at the first chunk")
    func flippedHeader() throws {
        let key = SecureBytes.random(count: SecretStreamWriter.keyLength)
        let stream = writeStream(key: key)
        for index in stream.header.indices {
            let reader = try SecretStreamReader(key: key, header: stream.header.flipping(index))
            expectSodiumError(.authenticationFailed, "header byte \(index)") { try reader.pull(stream.chunks[0]) }
        }
    }

    @Test("Another key fails at the first chunk")
    func wrongKey() throws {
        let key = SecureBytes.random(count: SecretStreamWriter.keyLength)
        let stream = writeStream(key: key)
        let reader = try SecretStreamReader(
            key: SecureBytes.random(count: SecretStreamWriter.keyLength), header: stream.header)
        expectSodiumError(.authenticationFailed) { try reader.pull(stream.chunks[0]) }
        #expect(!reader.isFinished)
    }

    @Test("Associated data must match chunk by chunk")
    func associatedData() throws {
        let key = SecureBytes.random(count: SecretStreamWriter.keyLength)
        let context = Array("backup 2024-05-01".utf8)
        let stream = writeStream(key: key, associatedData: context)

        let matching = try SecretStreamReader(key: key, header: stream.header)
        #expect(try matching.pull(stream.chunks[0], associatedData: context) == chunks[0])

        let missing = try SecretStreamReader(key: key, header: stream.header)
        expectSodiumError(.authenticationFailed) { try missing.pull(stream.chunks[0]) }
        let different = try SecretStreamReader(key: key, header: stream.header)
        expectSodiumError(.authenticationFailed) {
            try different.pull(stream.chunks[0], associatedData: Array("backup 2024-05-02".utf8))
        }
    }

    @Test("Anything after the final chunk is refused")
    func dataAfterFinal() throws {
        let key = SecureBytes.random(count: SecretStreamWriter.keyLength)
        let stream = writeStream(key: key)
        let reader = try SecretStreamReader(key: key, header: stream.header)
        for sealed in stream.chunks { _ = try reader.pull(sealed) }
        #expect(reader.isFinished)

        expectSodiumError(.authenticationFailed) { try reader.pull(stream.chunks[0]) }
        expectSodiumError(.authenticationFailed) { try reader.pull(stream.chunks[3]) }
        // Not even a well-formed chunk of another stream under the same key is read.
        let other = SecretStreamWriter(key: key)
        expectSodiumError(.authenticationFailed) { try reader.pull(other.push(Array("extra".utf8))) }
        #expect(reader.isFinished)
    }

    @Test("Two streams under one key use different headers and different ciphertexts")
    func freshHeaders() {
        let key = SecureBytes.random(count: SecretStreamWriter.keyLength)
        let first = writeStream(key: key)
        let second = writeStream(key: key)
        #expect(first.header != second.header)
        #expect(first.chunks[0] != second.chunks[0])
    }

    @Test("Keys and headers of the wrong length, and chunks shorter than the overhead, are invalid input",
          arguments: [0, 16, 23, 25, 31, 33])
    func malformedInputs(length: Int) throws {
        let key = SecureBytes.random(count: SecretStreamWriter.keyLength)
        let stream = writeStream(key: key)
        #expect(throws: Never.self) { try SecretStreamReader(key: key, header: stream.header) }

        let resizedHeader = Array((stream.header + stream.header).prefix(length))
        expectSodiumError(.invalidInput) { try SecretStreamReader(key: key, header: resizedHeader) }
        expectSodiumError(.invalidInput) {
            try SecretStreamReader(key: SecureBytes.random(count: length), header: stream.header)
        }
        let reader = try SecretStreamReader(key: key, header: stream.header)
        let short = Array(stream.chunks[0].prefix(min(length, SecretStreamWriter.overhead - 1)))
        expectSodiumError(.invalidInput) { try reader.pull(short) }
        // A refused malformed chunk does not spoil the stream.
        #expect(try reader.pull(stream.chunks[0]) == chunks[0])
    }

    @Test("Published lengths are crypto_secretstream's")
    func lengths() {
        #expect(SecretStreamWriter.keyLength == 32)
        #expect(SecretStreamWriter.headerLength == 24)
        #expect(SecretStreamWriter.overhead == 17)
    }
}
