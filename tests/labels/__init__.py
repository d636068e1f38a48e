"""Tests of the labels package: barcode labels and PDF documents, read back with real decoders."""
