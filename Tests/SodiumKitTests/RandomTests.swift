import SodiumKit
import Testing

/// Statistical checks here fail by chance with probability below 2^-100, so a failure means a
/// broken generator or wrapper, not bad luck.
@Suite("Randomness")
struct RandomTests {
    @Test("bytes(count:) returns exactly the requested length", arguments: [0, 1, 16, 24, 1000, 65536])
    func lengths(count: Int) {
        #expect(Random.bytes(count: count).count == count)
    }

    @Test("Two draws differ and are not all zeros")
    func freshness() {
        let first = Random.bytes(count: 32)
        let second = Random.bytes(count: 32)
        #expect(first != second)
        #expect(!first.allSatisfy { $0 == 0 })
        #expect(!second.allSatisfy { $0 == 0 })
    }

    @Test("A long draw uses the whole byte range")
    func byteCoverage() {
        // Each of the 256 values is missed by 65,536 bytes with probability (255/256)^65536 < 2^-370.
        #expect(Set(Random.bytes(count: 65536)).count == 256)
    }

    @Test("uniform(_:) stays below its bound", arguments: [UInt32(1), 2, 3, 7, 1000, 1 << 31, .max])
    func uniformBound(bound: UInt32) {
        for _ in 0..<2000 {
            #expect(Random.uniform(bound) < bound)
        }
    }

    @Test("uniform(1) is always 0, and uniform(6) reaches every value")
    func uniformCoverage() {
        #expect((0..<100).allSatisfy { _ in Random.uniform(1) == 0 })
        // Each of the six values is missed by 1,000 draws with probability (5/6)^1000 < 2^-260.
        let seen = Set((0..<1000).map { _ in Random.uniform(6) })
        #expect(seen == [0, 1, 2, 3, 4, 5])
    }

    @Test("uniform(_:) is not stuck in the low half of a large range")
    func uniformHighValues() {
        // Every draw below 2^31 by chance: probability 2^-200.
        let draws = (0..<200).map { _ in Random.uniform(.max) }
        #expect(draws.contains { $0 >= 1 << 31 })
        #expect(draws.contains { $0 < 1 << 31 })
    }
}
