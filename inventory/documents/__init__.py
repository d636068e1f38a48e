"""Documents: certificate numbering and the printed PDFs."""
