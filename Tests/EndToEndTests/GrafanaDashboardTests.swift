import Foundation
import Testing

/// The Grafana dashboards of examples/grafana, without Grafana: every SQL query of every panel
/// and template variable, with Grafana's macros and variables put in as Grafana puts them in,
/// runs on the database the demo's nightly job builds (sqlite3) and, when a test server is
/// there, on the same records loaded into PostgreSQL with pl-load (psql); the dashboards are
/// what their generator writes, valid JSON, and name only data sources the provisioning defines.
struct GrafanaDashboardTests {
  static let root = DocsTests.root
  static let folder = root.appendingPathComponent("examples/grafana")
  static let dialects = ["sqlite", "postgres"]

  /// Panels whose query may return no row on the demo's data. None: the example files include a
  /// quarter of QC history (qc_history_2024Q1.csv) with a planted outlier and a drift that gold
  /// flags, so every panel, the flagged days too, has rows to show.
  static let emptyOnTheDemo: Set<String> = []

  // MARK: The dashboards as files

  struct Query {
    var dashboard: String
    var panel: String
    var sql: String
  }

  struct Dashboard {
    var file: String
    var json: [String: Any]
    var panels: [[String: Any]] { json["panels"] as? [[String: Any]] ?? [] }
    var variables: [[String: Any]] { (json["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? [] }

    /// Each panel's queries (rawQueryText for the SQLite plugin, rawSql for PostgreSQL).
    var queries: [Query] {
      panels.flatMap { panel in
        (panel["targets"] as? [[String: Any]] ?? []).compactMap { target in
          (target["rawQueryText"] as? String ?? target["rawSql"] as? String).map {
            Query(dashboard: file, panel: panel["title"] as? String ?? "?", sql: $0)
          }
        }
      }
    }
  }

  static func dashboards(_ dialect: String) throws -> [Dashboard] {
    let dir = folder.appendingPathComponent("dashboards/\(dialect)")
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
    return try names.map { name in
      let data = try Data(contentsOf: dir.appendingPathComponent(name))
      let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(dialect)/\(name) is not a JSON object")
      return Dashboard(file: "\(dialect)/\(name)", json: json)
    }
  }

  /// The data sources the provisioning file defines: uid → type.
  static func provisionedDataSources() throws -> [String: String] {
    let text = try String(contentsOf: folder.appendingPathComponent("provisioning/datasources/pl.yml"), encoding: .utf8)
    var result: [String: String] = [:]
    var uid: String?
    var type: String?
    func flush() {
      if let uid, let type { result[uid] = type }
      uid = nil
      type = nil
    }
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix("#") { continue }
      if trimmed.hasPrefix("- name:") { flush() }
      if trimmed.hasPrefix("uid:") { uid = String(trimmed.dropFirst(4)).trimmingCharacters(in: .whitespaces) }
      if trimmed.hasPrefix("type:") { type = String(trimmed.dropFirst(5)).trimmingCharacters(in: .whitespaces) }
    }
    flush()
    return result
  }

  @Test func dashboardsAreWhatTheGeneratorWrites() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else {
      print("note: skipping the generator check of examples/grafana: no /usr/bin/python3")
      return
    }
    let r = try NightlyJobTests.shell(["/usr/bin/python3", Self.folder.path + "/generate.py", "--check"])
    #expect(r.status == 0, "\(r.out)\(r.err)")
  }

  @Test func dashboardsAreValidAndUseTheProvisionedDataSources() throws {
    let sources = try Self.provisionedDataSources()
    #expect(sources == ["pl-sqlite": "frser-sqlite-datasource", "pl-postgres": "grafana-postgresql-datasource"])
    var uids = Set<String>()
    var titlesByDialect: [String: [String]] = [:]
    for dialect in Self.dialects {
      let dashboards = try Self.dashboards(dialect)
      #expect(dashboards.count == 3, "\(dialect): \(dashboards.map(\.file))")
      for dashboard in dashboards {
        let uid = try #require(dashboard.json["uid"] as? String, "\(dashboard.file) has no uid")
        #expect(uids.insert(uid).inserted, "\(dashboard.file): uid \(uid) is used twice")
        #expect(!dashboard.panels.isEmpty)
        var ids = Set<Int>()
        for panel in dashboard.panels {
          let title = panel["title"] as? String ?? "?"
          let where_ = "\(dashboard.file), \(title)"
          #expect(["stat", "table", "timeseries"].contains(panel["type"] as? String ?? ""), "\(where_): type \(panel["type"] ?? "none")")
          #expect(ids.insert(panel["id"] as? Int ?? -1).inserted, "\(where_): id repeated")
          let targets = panel["targets"] as? [[String: Any]] ?? []
          #expect(!targets.isEmpty, "\(where_): no query")
          for source in [panel["datasource"]] + targets.map({ $0["datasource"] }) {
            let ds = source as? [String: Any]
            let uid = ds?["uid"] as? String ?? ""
            #expect(sources[uid] != nil, "\(where_): data source uid \(uid) is not provisioned")
            #expect(sources[uid] == ds?["type"] as? String, "\(where_): data source type \(ds?["type"] ?? "none") is not \(uid)'s")
            #expect(uid == (dialect == "sqlite" ? "pl-sqlite" : "pl-postgres"), "\(where_): the other dialect's data source")
          }
          let timeSeries = panel["type"] as? String == "timeseries"
          for target in targets {
            if dialect == "sqlite" {
              #expect(target["rawQueryText"] as? String == target["queryText"] as? String, "\(where_): queryText differs from rawQueryText")
              #expect((target["timeColumns"] as? [String] ?? []).contains("time") == timeSeries, "\(where_): timeColumns")
            } else {
              #expect(target["rawQuery"] as? Bool == true && target["editorMode"] as? String == "code", "\(where_): not a raw SQL query")
              #expect(target["format"] as? String == (timeSeries ? "time_series" : "table"), "\(where_): format")
            }
          }
        }
        for variable in dashboard.variables {
          let ds = variable["datasource"] as? [String: Any]
          #expect(sources[ds?["uid"] as? String ?? ""] != nil, "\(dashboard.file): variable \(variable["name"] ?? "?") has no provisioned data source")
          #expect(variable["query"] is String, "\(dashboard.file): variable \(variable["name"] ?? "?") has no SQL query")
        }
        titlesByDialect[dialect, default: []] += dashboard.panels.map { "\(dashboard.file.split(separator: "/").last!): \($0["title"] as? String ?? "")" }
      }
    }
    #expect(titlesByDialect["sqlite"] == titlesByDialect["postgres"], "the SQLite and PostgreSQL dashboards have different panels")
    // The provider's folder and the database's path are where the README's command mounts them.
    let provider = try String(contentsOf: Self.folder.appendingPathComponent("provisioning/dashboards/pl.yml"), encoding: .utf8)
    #expect(provider.contains("path: /var/lib/grafana/dashboards/pl"))
    let readme = try String(contentsOf: Self.folder.appendingPathComponent("README.md"), encoding: .utf8)
    for mount in ["examples/grafana/dashboards:/var/lib/grafana/dashboards/pl", "demo:/pl/demo", "examples/grafana/provisioning:/etc/grafana/provisioning", "GF_INSTALL_PLUGINS=frser-sqlite-datasource"] {
      #expect(readme.contains(mount), "examples/grafana/README.md does not mount \(mount)")
    }
  }

  // MARK: Grafana's substitutions

  /// The time range and variable values a query is run with: from `from` to now, as Grafana's
  /// "now" is the moment a query is sent.
  struct Context {
    var from: Date
    var values: [String: String] = [:]
  }

  static func rfc3339(_ date: Date) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    f.timeZone = TimeZone(identifier: "UTC")
    return f.string(from: date)
  }

  /// The query as Grafana sends it: `$__timeFilter(column)` as the data source expands it (the
  /// SQLite plugin compares unix seconds, casting text with strftime; Grafana's PostgreSQL
  /// macro compares with RFC 3339 literals), `${name:sqlstring}` as a quoted SQL string. Any
  /// other `$` is a macro or variable this test does not know: an issue.
  static func substitute(_ sql: String, dialect: String, _ context: Context) -> String {
    var text = sql
    // Now, to the next whole second: the plugin truncates to seconds, which would leave out a load
    // that ended in this very second (one the test's previous step made).
    let to = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 1).rounded(.down))
    while let start = text.range(of: "$__timeFilter(") {
      guard let end = text[start.upperBound...].firstIndex(of: ")") else { break }
      let column = text[start.upperBound..<end].trimmingCharacters(in: .whitespaces)
      let expansion: String
      if dialect == "sqlite" {
        expansion = "CAST(CASE WHEN typeof(\(column)) = 'integer' THEN \(column) ELSE strftime(\"%s\", \(column)) END AS INTEGER) BETWEEN \(Int(context.from.timeIntervalSince1970)) AND \(Int(to.timeIntervalSince1970))"
      } else {
        expansion = "\(column) BETWEEN '\(rfc3339(context.from))' AND '\(rfc3339(to))'"
      }
      text.replaceSubrange(start.lowerBound...end, with: expansion)
    }
    for (name, value) in context.values {
      text = text.replacingOccurrences(of: "${\(name):sqlstring}", with: "'" + value.replacingOccurrences(of: "'", with: "''") + "'")
    }
    #expect(!text.contains("$"), "a $ is left after substitution: \(text)")
    return text
  }

  // MARK: Running queries

  /// Runs a query; its rows, each as its first column's text (enough for variables and counts).
  static func rows(_ sql: String, dialect: String, database: String) throws -> (status: Int32, rows: [String], err: String) {
    if dialect == "sqlite" {
      let r = try NightlyJobTests.shell(["/usr/bin/env", "sqlite3", "-bail", "-readonly", "-json", database, sql])
      guard r.status == 0 else { return (r.status, [], r.err) }
      let trimmed = r.out.trimmingCharacters(in: .whitespacesAndNewlines)
      if trimmed.isEmpty { return (0, [], "") }
      let array = try #require(try JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [[String: Any]])
      return (0, array.map { row in row.count == 1 ? "\(row.first!.value)" : "\(row.count) columns" }, "")
    }
    // COPY … TO STDOUT writes one line per row (newlines in values escaped), the query unchanged.
    let r = try NightlyJobTests.shell(["/usr/bin/env", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", database, "-c", "COPY (\(sql)) TO STDOUT"])
    guard r.status == 0 else { return (r.status, [], r.err) }
    let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
      String(line.split(separator: "\t", omittingEmptySubsequences: false).first ?? "").replacingOccurrences(of: "\\\\", with: "\\")
    }
    return (0, lines, "")
  }

  /// Runs every query of every dashboard of `dialect`, for every value of its variables as the
  /// variables' own queries list them (a later variable's query with the earlier ones set), and
  /// returns the rows each gave, by dashboard, panel and values.
  static func runAll(dialect: String, database: String, from: Date) throws -> [String: Int] {
    var counts: [String: Int] = [:]
    for dashboard in try dashboards(dialect) {
      var contexts = [Context(from: from)]
      for variable in dashboard.variables {
        let name = variable["name"] as? String ?? "?"
        let sql = variable["query"] as? String ?? ""
        contexts = try contexts.flatMap { context in
          let r = try rows(substitute(sql, dialect: dialect, context), dialect: dialect, database: database)
          #expect(r.status == 0, "\(dashboard.file), variable \(name): \(r.err)")
          #expect(!r.rows.isEmpty, "\(dashboard.file), variable \(name) lists no value for \(context.values)")
          counts["\(dashboard.file) $\(name) \(context.values.sorted { $0.key < $1.key })"] = r.rows.count
          return r.rows.map { value in
            var next = context
            next.values[name] = value
            return next
          }
        }
      }
      for context in contexts {
        for query in dashboard.queries {
          let r = try rows(substitute(query.sql, dialect: dialect, context), dialect: dialect, database: database)
          let label = "\(dashboard.file), \(query.panel) \(context.values.sorted { $0.key < $1.key })"
          #expect(r.status == 0, "\(label): \(r.err)")
          if !emptyOnTheDemo.contains(query.panel) { #expect(!r.rows.isEmpty, "\(label): no row") }
          counts["\(dashboard.file.split(separator: "/").last!) \(query.panel) \(context.values.sorted { $0.key < $1.key })"] = r.rows.count
        }
      }
    }
    return counts
  }

  /// The start of the time range a person picks to see the demo: the first day gold holds (to now).
  static func demoStart(_ db: String) throws -> Date {
    let first = try NightlyJobTests.bash("sqlite3 '\(db)' 'SELECT min(day) FROM gold'").trimmingCharacters(in: .whitespacesAndNewlines)
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withFullDate]
    f.timeZone = TimeZone(identifier: "UTC")
    let from = try #require(f.date(from: first), "gold's first day \(first)")
    return from
  }

  // MARK: Over the demo's database

  @Test func everyQueryRunsOnTheDemoDatabaseInBothDialects() throws {
    // The demo's nightly job: every example file as the inbox, as `make demo` copies them.
    let job = try NightlyJobTests.Job("grafana")
    let examples = try FileManager.default.contentsOfDirectory(atPath: Self.root.path + "/examples")
      .filter { ["csv", "txt", "ndjson", "pdf"].contains(($0 as NSString).pathExtension) }.sorted()
      .map { Self.root.appendingPathComponent("examples/" + $0) }
    try job.add(examples)
    let night = try job.run()
    #expect(night.status == 0, "\(night.err)")
    let tables = try NightlyJobTests.bash("sqlite3 '\(job.db)' \"SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name\"")
    #expect(tables.split(separator: "\n") == ["_pl_loads", "gold", "rejects", "results", "validation_rules"], "\(tables)")

    let from = try Self.demoStart(job.db)
    let sqliteCounts = try Self.runAll(dialect: "sqlite", database: job.db, from: from)
    #expect(sqliteCounts.count > 30, "too few queries ran: \(sqliteCounts.count)")

    guard let url = ProcessInfo.processInfo.environment["PL_TEST_PG_URL"], !url.isEmpty else {
      print("note: grafana: \(sqliteCounts.count) SQLite queries run; the PostgreSQL dashboards are not run: PL_TEST_PG_URL is not set (make test starts a server)")
      return
    }
    // A database of its own on the test server (the URL's database part replaced), dropped at the end.
    let name = "pl_grafana_\(UUID().uuidString.prefix(8).lowercased())"
    guard let scheme = url.range(of: "://"), let slash = url[scheme.upperBound...].firstIndex(of: "/") else {
      Issue.record("PL_TEST_PG_URL \(url): no database part")
      return
    }
    let parameters = url[slash...].firstIndex(of: "?").map { String(url[$0...]) } ?? ""
    let database = String(url[...slash]) + name + parameters
    _ = try NightlyJobTests.bash("psql -X -q -v ON_ERROR_STOP=1 '\(url)' -c 'CREATE DATABASE \(name)'")
    defer { _ = try? NightlyJobTests.shell(["/usr/bin/env", "psql", "-X", "-q", url, "-c", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"]) }
    // The same records, loaded with pl-load as the nightly job loads them into SQLite.
    let run = try job.lastRun()
    _ = try NightlyJobTests.bash("""
      set -e
      gzip -dc lake/silver/results/*/*.ndjson.gz | "$PL_BIN/pl-load" '\(database)' --quiet --table results --key sample_id,analyte,measured_at
      gzip -dc lake/gold/results/*/*.ndjson.gz | "$PL_BIN/pl-load" '\(database)' --quiet --table gold --mode replace-table
      "$PL_BIN/pl-load" '\(database)' --quiet --table validation_rules --key run_key,level,rule < '\(run)/validation-rules.ndjson'
      "$PL_BIN/pl-load" '\(database)' --quiet --table rejects --key run_key,reject_no < '\(run)/rejects-rows.ndjson'
      """, in: job.dir.path)
    let postgresCounts = try Self.runAll(dialect: "postgres", database: database, from: from)
    // The same records: every query gives as many rows in both dialects.
    let sqlite = Dictionary(uniqueKeysWithValues: sqliteCounts.map { ($0.key.replacingOccurrences(of: "sqlite/", with: ""), $0.value) })
    let postgres = Dictionary(uniqueKeysWithValues: postgresCounts.map { ($0.key.replacingOccurrences(of: "postgres/", with: ""), $0.value) })
    #expect(sqlite.keys.sorted() == postgres.keys.sorted(), "the dialects ran different queries or variable values")
    for (key, n) in sqlite where postgres[key] != n {
      Issue.record("\(key): \(n) rows from SQLite, \(postgres[key].map(String.init) ?? "none") from PostgreSQL")
    }
    print("grafana: \(sqliteCounts.count) SQLite and \(postgresCounts.count) PostgreSQL queries and variables run over the demo")
  }

  // MARK: The control limits against gold's own judgement

  /// Gold flags a day nelson_1 when its mean is more than 3σ from the centre line of the days
  /// before it; the control chart draws that centre line and ±3σ in SQL. Over a series long
  /// enough for the control rules, with two planted shifts, the days outside the drawn limits
  /// are exactly the days gold flagged nelson_1.
  @Test func controlLimitsAreTheOnesGoldJudgesAgainst() throws {
    let dir = try NightlyJobTests.Job("grafana-limits")
    // 45 days of a protein bar's protein, two results a day, noise from a fixed linear
    // congruential generator, and days 25 and 40 shifted by 10 σ.
    var state: UInt64 = 12345
    func noise() -> Double {
      var sum = 0.0
      for _ in 0..<12 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        sum += Double(state >> 11) / Double(1 << 53)
      }
      return sum - 6  // about normal, σ 1
    }
    var lines: [String] = []
    let start = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01
    for day in 0..<45 {
      for k in 0..<2 {
        let date = Self.rfc3339(start.addingTimeInterval(Double(day) * 86_400 + 8 * 3600 + Double(k) * 60))
        let value = 32 + 0.3 * noise() + (day == 24 || day == 39 ? 3 : 0)
        lines.append(#"{"sample_id":"S\#(day)-\#(k)","product":"Protein bar choc","analyte":"protein","value":\#(value),"unit":"g/100g","method":"NIR","measured_at":"\#(date)"}"#)
      }
    }
    try (lines.joined(separator: "\n") + "\n").write(toFile: dir.dir.path + "/series.ndjson", atomically: true, encoding: .utf8)
    _ = try NightlyJobTests.bash("""
      set -e
      "$PL_BIN/pl-promote" silver --lake lake --dataset results --partition-by measured_at:day --key sample_id,analyte,measured_at --quiet < series.ndjson > /dev/null
      "$PL_BIN/pl-promote" gold --lake lake --dataset results --spec '\(Self.root.path)/examples/gold.yml' --quiet > /dev/null
      gzip -dc lake/gold/results/*/*.ndjson.gz | "$PL_BIN/pl-load" lab.sqlite --quiet --table gold
      """, in: dir.dir.path)

    let dashboard = try #require(try Self.dashboards("sqlite").first { $0.file.hasSuffix("control-charts.json") })
    let chart = try #require(dashboard.queries.first { $0.panel.contains("±3σ") })
    var context = Context(from: start)
    context.values = ["product": "Protein bar choc", "analyte": "protein"]
    let sql = Self.substitute(chart.sql, dialect: "sqlite", context)
    let r = try NightlyJobTests.shell(["/usr/bin/env", "sqlite3", "-json", dir.db, sql])
    #expect(r.status == 0, "\(r.err)")
    let points = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
    #expect(points.count == 45)
    let flagged = try NightlyJobTests.bash("sqlite3 '\(dir.db)' \"SELECT day FROM gold WHERE flags LIKE '%nelson_1%' ORDER BY day\"")
      .split(separator: "\n").map(String.init)
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withFullDate]
    f.timeZone = TimeZone(identifier: "UTC")
    var outside: [String] = []
    var withLimits = 0
    for point in points {
      guard let mean = (point["daily mean"] as? NSNumber)?.doubleValue, let time = (point["time"] as? NSNumber)?.intValue else {
        Issue.record("a point without mean or time: \(point)")
        continue
      }
      // The gold spec's entry for this product and analyte: min 30, no max.
      #expect((point["spec min"] as? NSNumber)?.doubleValue == 30 && point["spec max"] is NSNull, "the spec limits are not the gold spec's: \(point)")
      guard let upper = (point["+3σ"] as? NSNumber)?.doubleValue, let lower = (point["−3σ"] as? NSNumber)?.doubleValue else { continue }
      withLimits += 1
      if mean > upper || mean < lower { outside.append(f.string(from: Date(timeIntervalSince1970: Double(time)))) }
    }
    #expect(withLimits == 45 - 8, "limits drawn from the 9th day on")
    #expect(outside.count >= 2, "the planted shifts are inside the limits: \(outside)")
    #expect(outside == flagged, "days outside the drawn ±3σ \(outside), days gold flagged nelson_1 \(flagged)")
  }
}
