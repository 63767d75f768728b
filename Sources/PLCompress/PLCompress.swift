// PLCompress: gzip and zstd streams for the lake's part files.
//
// - `GzipWriter` compresses with libdeflate in blocks on worker threads, in parallel with the
//   caller producing bytes, and writes a multi-member gzip stream in order.
// - `ZstdWriter` compresses with libzstd's streaming API (its own worker threads when asked).
// - `DecompressingReader` is a `ByteStream` over a gzip (any number of members) or zstd stream,
//   read a block at a time in constant memory.
// - `ByteSink` is where compressed bytes go: a file descriptor or memory.
