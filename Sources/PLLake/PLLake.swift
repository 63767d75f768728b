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
//
// Writing a dataset of another layer (gold) goes through the same writer:
//
//   let silver = try lake.dataset(.silver, "results")            // live parts, by partition
//   for (partition, files) in silver.partitions { … PartReader.forEachCurrentRecord(…) … }
//   let commit = try LakeCommit(lake: lake, layer: .gold, dataset: "results_daily",
//                               identity: identity, wait: wait)    // lock + recovery
//   let output = try commit.writePart(partition: "date=2026-11-30", batch: batch, index: 0) { part in
//     try part.append(record)                                      // streamed, compressed
//   }
//   try commit.commit(Manifest(layer: .gold, dataset: "results_daily", kind: "gold", batch: batch,
//                              identity: identity, startedAt: commit.startedAt,
//                              inputs: …, outputs: [output], removed: replacedParts, counts: …))
//
// `commit.state` tells which batches the dataset has (`hasBatch`) and which parts a partition
// has now (to list in `removed` when a partition is recomputed). Lineage: a `LineageSink`
// passed to `BronzePromotion.lineage` / `SilverSink.lineage` gets `LakeRunEvent`s at the start
// and end of a run, the end one with the committed `Manifest`.
