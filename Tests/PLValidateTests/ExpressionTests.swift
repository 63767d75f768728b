import PLCore
import Testing
@testable import PLValidate

struct ExpressionTests {
  @Test(arguments: [
    ("fat + protein + ash between 97 and 103", #"{"fat":10,"protein":80,"ash":8}"#, true as Bool?),
    ("fat + protein + ash between 97 and 103", #"{"fat":10,"protein":80,"ash":20}"#, false),
    ("fat + protein + ash between 97 and 103", #"{"fat":10,"protein":80}"#, nil),
    ("tested >= received", #"{"received":"2024-03-25","tested":"2024-03-22"}"#, false),
    ("tested >= received", #"{"received":"2024-03-25","tested":"2024-03-29"}"#, true),
    ("value <= limit * 2 or qualifier == '<'", #"{"value":5,"limit":1,"qualifier":"<"}"#, true),
    ("not (a > 1) and b != 'x'", #"{"a":0,"b":"y"}"#, true),
    ("a / b > 1", #"{"a":1,"b":0}"#, nil),
    ("-a = -2", #"{"a":"2"}"#, true),
    ("a > 1 or b > 1", #"{"a":5}"#, true),
    ("a > 1 and b > 1", #"{"a":0}"#, false),
    ("`dry matter` >= 90", #"{"dry matter":91.5}"#, true),
    ("a == null_field", #"{"a":1,"null_field":null}"#, nil),
  ])
  func evaluates(text: String, json: String, expected: Bool?) throws {
    let e = try Expression(text)
    #expect(e.evaluate(rec(json), missing: .standard) == expected)
  }

  @Test(arguments: [("a +", 4), ("a + b", 1), ("(a > 1", 7), ("a > 'x", 5), ("a between 1 or 2", 13), ("a # b", 3)])
  func refusesWithAColumn(text: String, column: Int) {
    do {
      _ = try Expression(text)
      Issue.record("\(text) was accepted")
    } catch {
      #expect(error.column == column, "\(text): \(error.message)")
    }
  }
}
