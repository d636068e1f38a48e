"""Pure rendering of barcode labels and PDF certificates: plain data in, PDF bytes out."""
