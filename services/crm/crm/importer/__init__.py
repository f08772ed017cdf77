"""Reading uploaded spreadsheets safely and in bounded memory (xlsx via openpyxl read_only, CSV via csv)."""
