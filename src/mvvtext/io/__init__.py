"""Reading and writing tables of voices."""
from mvvtext.io._read import decode_bytes, read_table
from mvvtext.io._voices import read_voices
from mvvtext.io._write import check_output, excel_writer, write_table

__all__ = ["read_voices", "read_table", "write_table", "check_output", "excel_writer", "decode_bytes"]
