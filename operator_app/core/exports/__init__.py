"""Tables out to CSV and XLSX files, safe to open in a spreadsheet; the calls export."""
