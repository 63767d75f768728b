// Tests of PLLake.
