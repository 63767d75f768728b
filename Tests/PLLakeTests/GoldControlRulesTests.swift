import Testing

@testable import PLLake

/// Each Nelson rule, fired and not fired by a crafted series, against centre 0 and sigma 1.
@Suite struct GoldControlRulesTests {
  func fires(_ rule: NelsonRule, _ points: [Double], sameSideRun: Int = 9) -> Bool {
    rule.fires(points, center: 0, sigma: 1, sameSideRun: sameSideRun)
  }

  @Test func rule1BeyondThreeSigma() {
    #expect(fires(.beyond3Sigma, [0, 3.5]))
    #expect(fires(.beyond3Sigma, [0, -3.01]))
    #expect(!fires(.beyond3Sigma, [0, 3]))
    #expect(!fires(.beyond3Sigma, [4, 0]))
  }

  @Test func rule2NineOnOneSide() {
    #expect(fires(.sameSide, Array(repeating: 0.5, count: 9)))
    #expect(fires(.sameSide, [1] + Array(repeating: -0.2, count: 9)))
    #expect(!fires(.sameSide, [-0.5] + Array(repeating: 0.5, count: 8)))
    #expect(!fires(.sameSide, Array(repeating: 0.5, count: 4) + [0] + Array(repeating: 0.5, count: 4)))
    // Western Electric's version: 8 in a row.
    #expect(fires(.sameSide, Array(repeating: 0.5, count: 8), sameSideRun: 8))
  }

  @Test func rule3SixSteadilyRisingOrFalling() {
    #expect(fires(.trend, [1, 2, 3, 4, 5, 6]))
    #expect(fires(.trend, [9, 6, 5, 4, 3, 2, 1]))
    #expect(!fires(.trend, [1, 2, 3, 3, 5, 6]))
    #expect(!fires(.trend, [2, 3, 4, 5, 6]))
    #expect(!fires(.trend, [1, 2, 3, 4, 5, 6, 5]))
  }

  @Test func rule4FourteenAlternating() {
    let zigzag: [Double] = (0..<14).map { $0 % 2 == 0 ? 0.1 : -0.1 }
    #expect(fires(.alternating, zigzag))
    #expect(!fires(.alternating, Array(zigzag.dropFirst())))
    var tied = zigzag
    tied[7] = tied[6]
    #expect(!fires(.alternating, tied))
  }

  @Test func rule5TwoOfThreeBeyondTwoSigma() {
    #expect(fires(.twoOfThreeBeyond2Sigma, [2.5, 0, 2.5]))
    #expect(fires(.twoOfThreeBeyond2Sigma, [0, -2.1, -2.2]))
    #expect(!fires(.twoOfThreeBeyond2Sigma, [2.5, 0, -2.5]))
    #expect(!fires(.twoOfThreeBeyond2Sigma, [2.5, 2.5, 0]))
    #expect(!fires(.twoOfThreeBeyond2Sigma, [2.5, 0, 0, 2.5]))
  }

  @Test func rule6FourOfFiveBeyondOneSigma() {
    #expect(fires(.fourOfFiveBeyond1Sigma, [1.5, 1.5, 0, 1.5, 1.5]))
    #expect(!fires(.fourOfFiveBeyond1Sigma, [1.5, 0, 0, 1.5, 1.5]))
    #expect(fires(.fourOfFiveBeyond1Sigma, [1.5, 1.5, -1.5, 1.5, 1.5]))
    #expect(!fires(.fourOfFiveBeyond1Sigma, [1.5, 1.5, -1.5, -1.5, 1.5]))
    #expect(!fires(.fourOfFiveBeyond1Sigma, [1.5, 1.5, 1.5, 1.5, 0]))
  }

  @Test func rule7FifteenWithinOneSigma() {
    let hugging: [Double] = (0..<15).map { $0 % 2 == 0 ? 0.5 : -0.5 }
    #expect(fires(.withinOneSigma, hugging))
    #expect(!fires(.withinOneSigma, Array(hugging.dropFirst())))
    var wide = hugging
    wide[3] = 1.5
    #expect(!fires(.withinOneSigma, wide))
  }

  @Test func rule8EightBeyondOneSigmaOnBothSides() {
    let mixture: [Double] = (0..<8).map { $0 % 2 == 0 ? 1.5 : -1.5 }
    #expect(fires(.noneWithinOneSigma, mixture))
    #expect(!fires(.noneWithinOneSigma, Array(repeating: 1.5, count: 8)))
    var inside = mixture
    inside[4] = 0.5
    #expect(!fires(.noneWithinOneSigma, inside))
    #expect(!fires(.noneWithinOneSigma, Array(mixture.dropFirst())))
  }

  @Test func noRuleFiresWithoutASigma() {
    for rule in NelsonRule.allCases { #expect(!rule.fires([0, 100], center: 0, sigma: 0)) }
  }

  @Test func limitsFromTheWindow() {
    // Moving ranges 2, 2, 2: sigma = 2 / 1.128; centre the mean.
    let mr = ControlLimits(window: [1, 3, 1, 3], method: .movingRange)!
    #expect(mr.center == 2)
    #expect(mr.sigma == 2 / 1.128)
    let sd = ControlLimits(window: [1, 3, 1, 3], method: .sd)!
    #expect(sd.sigma == (4.0 / 3).squareRoot())
    #expect(ControlLimits(window: [1], method: .sd) == nil)
  }
}
