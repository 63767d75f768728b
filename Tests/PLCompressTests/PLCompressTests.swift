// Tests of PLCompress.
