import PLCore
import Testing

@testable import PLClean

/// The line path writes numbers straight from their scanned digits: the text must be the one
/// the `LabNumber` path makes, as read and moved by a power of ten.
@Suite struct ScannedNumberTests {
  /// The text `write` or `writeShifted` appends.
  static func written(_ n: ScannedNumber, shift: Int?) -> String {
    let out = ByteBuffer(capacity: 16)
    out.append("x" as StaticString)
    if let shift { n.writeShifted(by: shift, to: out) } else { n.write(to: out) }
    return String(decoding: out.bytes.dropFirst(), as: UTF8.self)
  }

  /// What the `LabNumber` path makes of `text`: its number, then the power-of-ten conversion.
  static func expected(_ text: String, mark: DecimalMark, percentSign: Bool, shift: Int?) -> (String, Int)? {
    var text = text
    return text.withUTF8 { p -> (String, Int)? in
      guard let scan = NumberText.scan(p, 0, p.count, decimal: mark, percentSign: percentSign) else { return nil }
      guard let shift else { return (scan.number.text, scan.end) }
      return (scan.number.parts!.shifted(by: shift).number(percent: false).text, scan.end)
    }
  }

  static func check(_ text: String, mark: DecimalMark, percentSign: Bool = true, shift: Int?) {
    var copy = text
    let got = copy.withUTF8 { p -> (String, Int)? in
      guard let s = NumberText.scanDigits(p, 0, p.count, decimal: mark, percentSign: percentSign) else { return nil }
      return (written(s, shift: shift), s.end)
    }
    let want = expected(text, mark: mark, percentSign: percentSign, shift: shift)
    #expect(got?.0 == want?.0, "\(text) \(mark) shift \(String(describing: shift))")
    #expect(got?.1 == want?.1, "\(text) \(mark) shift \(String(describing: shift))")
  }

  static let shifts: [Int?] = [nil, 0, 1, -1, 2, -2, 3, -3, 5, -5, 6, -6, 9, -9, 12, -12]

  @Test func writtenTextIsTheLabNumberText() {
    let cases = [
      "0", "00", "-0", "0,0", "0,000", "-0,00", "7", "007", "10", "100", "1,80", "736,4", "0,05", "-0,05", "−0,05", ",5",
      "1.133,5", "1 133,5", "12,30", "1,1E+04", "1,1e-4", "0,5E3", "0,0E3", "-2,5 x 10^4", "1,1·10⁴", "12,5 %", "3E0",
      "000,0001", "123456789012345678", "0,000000000000001234", "1e-9999", "9,9E+9999", "12,5abc", "+3,25",
    ]
    for text in cases {
      for shift in Self.shifts { Self.check(text, mark: .comma, shift: shift) }
      for shift in Self.shifts { Self.check(text.replacingOccurrences(of: ",", with: "."), mark: .point, shift: shift) }
    }
  }

  @Test func randomNumbersWriteAsTheLabNumberPathDoes() {
    var rng = SplitMix(seed: 20_261_130)
    for _ in 0..<20_000 {
      var text = ""
      if rng.next(4) == 0 { text += "-" }
      let intDigits = Int(rng.next(6))
      for k in 0..<intDigits { text += String(k == 0 && rng.next(3) == 0 ? 0 : rng.next(10)) }
      if intDigits == 0 || rng.next(2) == 0 {
        text += ","
        for _ in 0..<(1 + Int(rng.next(7))) { text += String(rng.next(3) == 0 ? 0 : rng.next(10)) }
      }
      if rng.next(8) == 0 { text += "E" + (rng.next(2) == 0 ? "-" : "+") + String(rng.next(40)) }
      let shift = Self.shifts[Int(rng.next(UInt64(Self.shifts.count)))]
      Self.check(text, mark: .comma, percentSign: rng.next(2) == 0, shift: shift)
    }
  }

  /// Wherever the line path writes a unit conversion as a shift of the point, the conversion of
  /// the record path succeeds and gives the same text.
  @Test func unitShiftsWriteAsTheUnitTableConverts() {
    let table = UnitTable.standard
    let units = table.codes.compactMap { table.units[$0] }
    let values = ["736.4", "0.05", "1.80", "0", "-12.5", "1.1e4", "120", "0.000"]
    var shifted = 0
    for from in units {
      for to in [nil] + units {
        let step = UnitStep(unit: from, to: to, density: nil)
        guard let writing = NumberWriting(mark: .point, units: step) else { continue }
        if writing.shift != nil { shifted += 1 }
        for text in values {
          var copy = text
          let got = copy.withUTF8 { p -> String? in
            guard let n = NumberText.scanDigits(p, 0, p.count, decimal: .point, percentSign: true) else { return nil }
            let out = ByteBuffer(capacity: 16)
            writing.write(n, to: out)
            return String(decoding: out.bytes, as: UTF8.self)
          }
          guard case .success(let want) = step.convert(NumberText.parse(text, decimal: .point)!, from: from) else {
            Issue.record("\(from.code) → \(to?.code ?? "nil") fails on the record path")
            continue
          }
          #expect(got == want.text, "\(text) \(from.code) → \(to?.code ?? "nil")")
        }
      }
    }
    #expect(shifted > 0)
  }

  /// A small deterministic generator, so a failure repeats.
  struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: UInt64) -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return (z ^ (z >> 31)) % bound
    }
  }
}
