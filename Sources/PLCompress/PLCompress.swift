// PLCompress: gzip and zstd streams for lake part files (libdeflate, zlib, libzstd).
