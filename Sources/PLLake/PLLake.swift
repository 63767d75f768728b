// PLLake: the bronze/silver/gold lake folder, its manifests, locks and promotions.
//
//   LAKE/bronze/<dataset>/ingest_date=YYYY-MM-DD/<sha256>.<ext>     raw files, read-only
//   LAKE/silver/<dataset>/date=YYYY-MM-DD/part-<batch>-<n>.ndjson.gz
//   LAKE/gold/<dataset>/date=YYYY-MM-DD/part-<batch>-<n>.ndjson.gz
//   LAKE/_manifests/<layer>/<dataset>/<sequence>-<batch>.json      what went where, when, from what
//   LAKE/_locks/<layer>.<dataset>.lock                              one writer per dataset
//
// `Lake` is the folder; `LakeDataset` replays a dataset's manifests into its live files (only
// what a manifest names is part of the lake). `LakeCommit` is the one atomic writer every
// promotion goes through: files are staged under hidden `.NAME.pl-tmp` names, the batch
// `Manifest` is written last and atomically (the commit point), then the staged files are
// renamed into place (a run killed after the commit is rolled forward by the next one, a run
// killed before it leaves only temporaries the next one sweeps). `LakeLock` serialises the
// writers of a dataset. `BronzePromotion`, `SilverSink`, `Compaction`, `Retention`,
// `LakeVerifier` and `LakeReport` are the subcommands' libraries; `PartByteWriter` is the seam
// to the compressors; `LineageSink` is the hook for OpenLineage events.
