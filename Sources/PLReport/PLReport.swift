// PLReport: the morning report of a lake, built from gold records and manifests, never silver.
//
//   Lake ──▶ LakeInventory (every manifest of every layer, read once)
//     │            ├──▶ FreshnessTable   last promotion, newest data, age per dataset
//     │            ├──▶ LineageTable     gold partition ◀ silver batches ◀ bronze files (sender, subject)
//     │            └──▶ Scorecard        silver refusals per day, with pl-validate reports and rejects
//     └──▶ GoldSeriesReader (gold parts, streamed) ──▶ ControlChart per group ──▶ SVGChart
//
// `ReportRun` ties them together for `pl-report`: `HTMLReport` writes one self-contained page
// (inline SVG and CSS, no script, no URL), or each chart is written alone as SVG or as PNG
// (`PNGRenderer`, librsvg and cairo). Every file is written whole or not at all (`ReportFile`).
//
// Memory holds the gold points of the charts (one per group × period) and the manifests; both
// grow with days × groups, not with the records behind them.
