// Tests of PLPDF.
