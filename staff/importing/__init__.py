"""Getting proposals in from files: a sponsor's Word submission (word.py) and past
years' spreadsheets (reader.py reads them, bulk.py imports them)."""
