import Testing
@testable import PLValidate

struct PatternTests {
  @Test(arguments: [
    ("S-\\d{6}", "S-000123", true), ("S-\\d{6}", "S-00012", false), ("S-\\d{6}", "S-0001234", false), ("S-\\d{6}", "xS-000123", false),
    ("[a-z][a-z0-9_]*", "dry_matter", true), ("[a-z][a-z0-9_]*", "Dry", false), ("[a-z][a-z0-9_]*", "", false),
    ("(ab|cd)+e?", "abcdab", true), ("(ab|cd)+e?", "abce", false), ("(?:ab|cd)+e?", "cde", true),
    ("a.c", "aéc", true), ("a.c", "ac", false), ("[^,]+", "x y", true), ("[^,]+", "x,y", false),
    ("^\\w+$", "abc_1", true), ("\\d{2,3}", "1", false), ("\\d{2,3}", "123", true), ("\\d{2,}", "12345", true),
    ("[A-Z]{3}-\\d+\\.\\d", "ABC-12.5", true), ("\\s*x", "  x", true), ("a{", "a{", true),
    ("[\\d-]+", "12-3", true), ("colou?r", "color", true),
  ])
  func matchesWholeValues(pattern: String, text: String, expected: Bool) throws {
    let p = try Pattern(pattern)
    #expect(p.isCompiled, "\(pattern) should run on the automaton")
    #expect(p.matches(text) == expected, "\(pattern) on \(text)")
  }

  /// Features outside the subset go to NSRegularExpression and still match whole values.
  @Test(arguments: [("(a)\\1", "aa", true), ("\\bword\\b", "word", true), ("(?=a)a", "a", true), ("\\p{L}+", "Käse", true), ("\\p{L}+", "K1", false)])
  func fallsBackForTheRest(pattern: String, text: String, expected: Bool) throws {
    let p = try Pattern(pattern)
    #expect(!p.isCompiled)
    #expect(p.matches(text) == expected)
  }

  @Test func aBrokenPatternIsRefused() {
    #expect(throws: PatternError.self) { try Pattern("(unclosed") }
  }

  /// A pattern that makes backtracking matchers take exponential time runs in linear time here.
  @Test func noCatastrophicBacktracking() throws {
    let p = try Pattern("(a+)+b")
    #expect(p.isCompiled)
    #expect(!p.matches(String(repeating: "a", count: 5000)))
  }
}
