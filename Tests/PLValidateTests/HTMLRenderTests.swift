import Foundation
import PLCore
import PLTestSupport
import Testing
@testable import PLValidate

/// Renders the HTML report in headless Chromium: the page must load with no console error
/// and give a screenshot. Skipped, with a message, where Chromium is not installed
/// (scripts/setup-deps.sh installs it).
struct HTMLRenderTests {
  static var chromium: String? {
    for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"] where FileManager.default.isExecutableFile(atPath: path) { return path }
    return nil
  }

  @Test func chromiumIsAvailableOrTheSkipIsSaid() {
    if Self.chromium == nil { print("note: chromium not found: the HTML report is not rendered (scripts/setup-deps.sh installs it)") }
  }

  @Test(.enabled(if: chromium != nil, "chromium not found: the HTML report is not rendered (scripts/setup-deps.sh installs it)"))
  func theReportRendersWithoutConsoleErrors() throws {
    guard let chromium = Self.chromium else { return }
    let s = try schema("""
      rules:
        - range: {field: v, min: 0, max: 10}
        - name: "odd <name> & 'quotes'"
          pattern: {field: id, pattern: 'S-\\d{3}'}
          severity: warn
      dataset:
        - row_count: {min: 100}
      """)
    let (_, v) = try outcomes(s, [#"{"v":1,"id":"S-001"}"#, #"{"v":11,"id":"<img src=x onerror=alert(1)>"}"#, #"{"v":-1,"id":"S-002","_pl":{"source":"a.csv","line":3}}"#])
    let dir = try TemporaryDirectory()
    let page = try dir.write("report.html", v.report(seconds: 0.1, maxRejects: .count(0)).html)
    let png = dir.file("report.png")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: chromium)
    process.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(dir.file("profile"))",
      "--screenshot=\(png)", "--window-size=1200,800", "--enable-logging=stderr", "--v=0", "file://\(page)",
    ]
    let errPipe = Pipe()
    process.standardError = errPipe
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let err = String(decoding: errPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(FileManager.default.fileExists(atPath: png), "no screenshot; chromium said:\n\(err)")
    let consoleErrors = err.split(separator: "\n").filter { $0.contains("CONSOLE") && ($0.contains("ERROR") || $0.contains("error")) }
    #expect(consoleErrors.isEmpty, "\(consoleErrors)")
  }
}
