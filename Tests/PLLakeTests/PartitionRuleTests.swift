import PLCore
import Testing
@testable import PLLake

struct PartitionRuleTests {
  @Test(arguments: [
    ("2026-11-30", "2026-11-30"),
    ("2026-11-30T23:59:59Z", "2026-11-30"),
    ("2026-12-01T00:30:00+01:00", "2026-11-30"),
    ("2026-11-30T23:30:00-01:00", "2026-12-01"),
    ("2026-11-30T10:00Z", "2026-11-30"),
    ("2026-11-30T10:00:00.123456Z", "2026-11-30"),
    ("2024-02-29T12:00:00+0530", "2024-02-29"),
    ("2025-01-01T00:00:00+14:00", "2024-12-31"),
    ("1969-12-31T23:00:00Z", "1969-12-31"),
  ])
  func utcDayOfZonedTimes(text: String, expected: String) {
    #expect(PartitionRule.day(of: text)?.description == expected)
  }

  @Test(arguments: [
    "2026-11-30T10:00:00", "2026-02-30", "2026-13-01", "30.11.2026", "2026-11-30T25:00:00Z", "2026-11-30T10:00:00+1",
    "2026-11-30Tnoon", "", "2026-11-30T10:00:00Zjunk", "2025-02-29",
  ])
  func refusesWhatHasNoUTCDay(text: String) {
    #expect(PartitionRule.day(of: text) == nil)
  }

  @Test func reasonsNameTheFieldAndTheProblem() throws {
    let rule = try PartitionRule(parsing: "measured_at:day")
    let cases: [(JSONValue?, String)] = [
      (nil, "has no measured_at field"), (.null, "null measured_at"), (.number("20261130"), "is a number"),
      (.string("2026-11-30T10:00:00"), "no time zone"), (.string("yesterday"), "not an ISO 8601"),
    ]
    for (value, words) in cases {
      var record = Record([("a", .integer(1))])
      if let value { record["measured_at"] = value }
      #expect(rule.partition(of: record) == nil)
      let issue = rule.reason(for: record)
      #expect(issue.message.contains(words), "\(issue.message)")
      #expect(issue.code == "no-partition-value" && issue.field == "measured_at")
    }
  }

  @Test func onlyDaysPartition() {
    #expect(throws: PLError.self) { try PartitionRule(parsing: "measured_at:month") }
    #expect(throws: PLError.self) { try PartitionRule(parsing: ":day") }
    #expect((try? PartitionRule(parsing: "ts"))?.field == "ts")
  }

  @Test func daysRoundTripThroughTheCalendar() {
    for n in stride(from: -800_000, through: 800_000, by: 997) {
      let day = LakeDay(daysSinceEpoch: n)
      #expect(LakeDay(text: day.description) == day || day.civil.year < 0 || day.civil.year > 9999)
    }
    #expect(LakeDay(text: "1970-01-01")?.daysSinceEpoch == 0)
    #expect(LakeDay(text: "2000-03-01")?.daysSinceEpoch == 11017)
  }
}

struct MailHeadersTests {
  @Test func decodesEncodedWordsAndUnfolds() {
    let head = Array("""
      Received: from x\r
      From: =?ISO-8859-1?Q?J=F6rg_M=FCller?= <j@lab.example>\r
      Subject: =?UTF-8?B?Q29BIG7CsCAxMg==?=\r
       =?UTF-8?Q?_f=C3=BCr_Los_7?=\r
      \r
      Subject: not this one\r

      """.utf8)
    let headers = MailHeaders(head: head)
    #expect(headers.from == "Jörg Müller <j@lab.example>")
    // White space between two encoded words is dropped (RFC 2047, 6.2).
    #expect(headers.subject == "CoA n° 12 für Los 7")
  }

  @Test(arguments: [
    ("plain text", "plain text"),
    ("=?utf-8?q?a_b?= c", "a b c"),
    ("x =?UTF-8?B?w6k=?= y", "x é y"),
    ("=?windows-1252?Q?caf=E9?=", "café"),
    ("=?koi8-r?B?8NLJ18XU?=", "=?koi8-r?B?8NLJ18XU?="),
    ("=?UTF-8?B?not base64!?=", "=?UTF-8?B?not base64!?="),
  ])
  func encodedWords(text: String, expected: String) {
    #expect(MailHeaders.decodeWords(text) == expected)
  }

  @Test func noHeadersInABinaryHead() {
    let headers = MailHeaders(head: [0x25, 0x50, 0x44, 0x46, 0x0A, 0x00, 0xFF])
    #expect(headers.from == nil && headers.subject == nil)
  }
}

struct RunIdentityTests {
  @Test func secretsAreMaskedInTheCommandLine() {
    let masked = RunIdentity.redacted(["pl-promote", "silver", "--password", "hunter2", "--token=abc", "postgres://u:pw@db/x", "--key", "a,b"])
    #expect(masked == ["pl-promote", "silver", "--password", "***", "--token=***", "postgres://u:***@db/x", "--key", "a,b"])
  }

  @Test func runIDsAreVersion4UUIDs() {
    let id = RunIdentity.newRunID()
    #expect(id.count == 36 && Array(id)[14] == "4")
    #expect(id != RunIdentity.newRunID())
  }
}
