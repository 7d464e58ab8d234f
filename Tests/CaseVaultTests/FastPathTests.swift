import Foundation
import SodiumKit
import Testing

@testable import CaseVault

/// The shortcuts taken for speed (found with the benchmarks in `Benchmarks/`) must give
/// exactly what the straightforward code gives.
@Suite struct FastPathTests {
    @Test("associated data has the documented layout: length-prefixed fields in a fixed order")
    func associatedDataKnownAnswer() throws {
        let id = CaseID(checked: Array(0..<16))
        let ad = AssociatedData.make(table: "cases", column: "summary", rowID: id.bytes, recordVersion: 3,
                                     compartment: "intake", keyID: "intake", keyVersion: 2)
        var expected: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 1]
        expected += [0, 0, 0, 5] + Array("cases".utf8) + [0, 0, 0, 7] + Array("summary".utf8)
        expected += [0, 0, 0, 16] + Array(0..<16)
        expected += [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 3]
        expected += [0, 0, 0, 6] + Array("intake".utf8) + [0, 0, 0, 6] + Array("intake".utf8)
        expected += [0, 0, 0, 4, 0, 0, 0, 2]
        #expect(ad == expected)
    }

    @Test("every sealed place lays out its associated data exactly as the documented encoding")
    func sealedColumnMatchesMake() {
        var random = SplitMix64(seed: 7)
        for place in SealedColumn.allCases {
            for _ in 0..<100 {
                let rowID = (0..<(random.next() % 2 == 0 ? 16 : 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                let version = random.next() >> (random.next() % 64)
                let keyVersion = UInt32(truncatingIfNeeded: random.next())
                #expect(place.associatedData(rowID: rowID, version: version, keyVersion: keyVersion)
                        == AssociatedData.make(table: place.table, column: place.column, rowID: rowID,
                                               recordVersion: version, compartment: place.compartment.rawValue,
                                               keyID: place.keyID, keyVersion: keyVersion), "\(place)")
            }
        }
    }

    @Test("the ASCII path of contact normalisation agrees with the Unicode path")
    func contactNormalisationPathsAgree() {
        let samples = ["+7 912 345-67-89", "8 (912) 345 67 89", "  @Ivan_Petrov  ", "@@Name", "ivan petrov",
                       "+1 (555) 010-0000", "12345", "123456", "1234567", "\t@x\r\n", "a.b-c", "@", " ", "",
                       "+", "(((", "8 912 345 67 8", "7.912.345.67.89", "Tg:User", "\u{0B}@v\u{0C}"]
        for sample in samples {
            #expect(ContactHandle.normalize(ascii: Array(sample.utf8)) == ContactHandle.normalize(unicode: sample),
                    "\(sample.debugDescription)")
        }
        var random = SplitMix64(seed: 11)
        let alphabet = Array(" \t\n\r+-().@_8790123456AbZz".utf8)
        for _ in 0..<5_000 {
            let bytes = (0..<Int(random.next() % 18)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(ContactHandle.normalize(ascii: bytes) == ContactHandle.normalize(unicode: text),
                    "\(text.debugDescription)")
        }
        #expect(ContactHandle.normalize("@Иван") == ContactHandle.normalize(unicode: "@Иван"))
    }

    @Test("skipping the text patterns that cannot match finds exactly what running them all finds")
    func textPrefilterChangesNothing() {
        var texts = [
            "Звоните +7 912 345-67-89", "mail me: a.b@example.org", "паспорт 45 01 № 123456", "АБ 1234567",
            "в/ч 12345", "unit 5432", "two weeks, 3 days", "1 ---------- 2", "٣٤٥٦٧٨٩٠١٢٣", "@handle only",
            "no digits at all", "12", "1234", "ab 123456 7", "+7 (912) 3456789 and x@y.ru",
        ]
        var random = SplitMix64(seed: 5)
        let pieces = ["7", "12", "3456", " ", "-", "(", ")", "@", "a", "Б", "№", ".", "ru", "unit ", "в/ч", "٣", "\n"]
        for _ in 0..<3_000 {
            texts.append((0..<Int(random.next() % 14)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }
                .joined())
        }
        for text in texts {
            #expect(TextPolicy.findings(in: text, field: "narrative")
                    == TextPolicy.findings(in: text, field: "narrative", prefilter: false), "\(text.debugDescription)")
        }
    }
}
