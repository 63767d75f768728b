import Foundation
import Testing

/// The report page in headless Chromium: it renders to a screenshot with no console error and
/// no failed load (a page that asked for anything outside itself would log `net::` errors, as
/// the test runs with no server). Skipped, with a message, where Chromium is not installed
/// (scripts/setup-deps.sh installs it).
struct ReportRenderTests {
  static var chromium: String? {
    for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"] where FileManager.default.isExecutableFile(atPath: path) { return path }
    return nil
  }

  @Test(.enabled(if: chromium != nil, "chromium not found: the report page is not rendered (scripts/setup-deps.sh installs it)"))
  func theReportRendersOfflineWithoutErrors() throws {
    guard let chromium = Self.chromium else { return }
    let lake = try ReportTests.TestLake(records: ReportTests.records())
    try lake.buildGold()
    let r = try ReportTests.shell("pl-report --lake lake --out report.html --quiet", in: lake.dir)
    #expect(r.status == 0, "\(r.err)")
    let png = lake.dir + "/report.png"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: chromium)
    process.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(lake.dir)/profile",
      "--screenshot=\(png)", "--window-size=1200,1600", "--enable-logging=stderr", "--v=1", "file://\(lake.dir)/report.html",
    ]
    let errPipe = Pipe()
    process.standardError = errPipe
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let err = String(decoding: errPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(FileManager.default.fileExists(atPath: png), "no screenshot; chromium said:\n\(err)")
    let lines = err.split(separator: "\n")
    let consoleErrors = lines.filter { $0.contains("CONSOLE") && ($0.contains("ERROR") || $0.contains("error")) }
    #expect(consoleErrors.isEmpty, "\(consoleErrors)")
    // With --v=1 every network request is logged; Chromium's own (time, update, account
    // services) go to Google's hosts, whatever the page, so those are left out.
    let ownHosts = ["google.com/", "googleapis.com/", "gvt1.com/", "gstatic.com/"]
    let pageRequests = lines.filter { $0.contains("NotifyBeforeURLRequest") && !ownHosts.contains(where: $0.contains) }
    #expect(pageRequests.isEmpty, "the page asked for something outside itself: \(pageRequests)")
    let failedLoads = lines.filter { $0.contains("net::ERR") && !$0.contains("google_apis") && !$0.contains("gaia") }
    #expect(failedLoads.isEmpty, "\(failedLoads)")
  }
}
